/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-application.h: the agviz desktop application (org.agviz.Agviz) */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AGVIZ_TYPE_APPLICATION (agviz_application_get_type ())
G_DECLARE_FINAL_TYPE (AgvizApplication, agviz_application, AGVIZ, APPLICATION, AdwApplication)

AgvizApplication *agviz_application_new (void);
void              agviz_application_bind_textdomain (void);
const char       *agviz_application_pick_renderer   (const char *dev_dir);

G_END_DECLS
