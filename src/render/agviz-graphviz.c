/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-graphviz.c: one Graphviz context for the process, used by one thread at a time */
#include "config.h"

#include <glib.h>

#include "agviz-graphviz-private.h"

static GMutex graphviz_lock;
static GVC_t *graphviz_context;

/* Locks Graphviz for the calling thread and returns the process's context.  The context lives
 * until exit: freeing it would only make the next caller read the plugin configuration again. */
GVC_t *
agviz_graphviz_acquire (void)
{
  g_mutex_lock (&graphviz_lock);
  if (graphviz_context == NULL)
    graphviz_context = gvContext ();
  return graphviz_context;
}

void
agviz_graphviz_release (void)
{
  g_mutex_unlock (&graphviz_lock);
}

void
agviz_graphviz_set_attr (void       *object,
                         const char *name,
                         const char *value)
{
  /* Graphviz 2.42 takes non-const strings; it copies them. */
  agsafeset (object, (char *) name, (char *) value, (char *) "");
}
