/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-records-private.h: what the core's enum-to-word tables share */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The index of @text in @names (the words of an enum, in its order); FALSE when it is not one
 * of them or is NULL. */
gboolean _agviz_enum_from_name (const char *const *names,
                                guint               n_names,
                                const char         *text,
                                int                *value);

G_END_DECLS
