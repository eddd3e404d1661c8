/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: agviz-gui, the desktop app (`agviz FILE` starts it when there is a display) */
#define G_LOG_DOMAIN "agviz"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "agviz-application.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(AgvizApplication) application = NULL;
  const char *renderer = agviz_application_pick_renderer ("/dev");

  /* Before GTK starts: it reads GSK_RENDERER when it makes a window's renderer. */
  if (renderer != NULL)
    g_setenv ("GSK_RENDERER", renderer, FALSE);
  setlocale (LC_ALL, "");
  agviz_application_bind_textdomain ();

  g_set_application_name ("agviz");
  application = agviz_application_new ();
  return g_application_run (G_APPLICATION (application), argc, argv);
}
