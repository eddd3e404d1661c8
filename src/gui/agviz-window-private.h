/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-window-private.h: the window's state, shared by agviz-window.c (layout, panels) and
 * agviz-window-actions.c (actions).  Tests go through agviz-window.h and the panels' headers. */
#pragma once

#include <gtksourceview/gtksource.h>

#include "agviz-comparison.h"
#include "agviz-graph-view.h"
#include "agviz-inspector.h"
#include "agviz-minimap.h"
#include "agviz-problems-list.h"
#include "agviz-search-panel.h"
#include "agviz-session.h"
#include "agviz-timeline.h"
#include "agviz-trace-list.h"
#include "agviz-window.h"

G_BEGIN_DECLS

struct _AgvizWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;      /* NULL when the schema is not installed */
  AgvizSession         *session;       /* the document, trace, selection the panels share */
  GCancellable         *loading;       /* set while a file loads */
  char                 *source_path;   /* recorded path of the file in the source view */
  int                   source_line;   /* highlighted line, 0 none */
  GPtrArray            *monitors;      /* GFileMonitor on the trace file and its -wal */
  guint                 refresh_source; /* debounce timeout of a pending refresh */
  GCancellable         *refreshing;    /* set while a refresh loads */
  gboolean              refresh_again; /* the file changed during that load */
  GCancellable         *rechecking;    /* set while diagnostics are made again for new sources */
  gboolean              inspector_opens_on_selection; /* not after the user hid the pane */

  /* template children */
  GtkLabel             *title_label;
  GtkLabel             *subtitle_label;
  GtkStack             *main_stack;
  AdwToastOverlay      *toast_overlay;
  GtkLabel             *start_error_label;
  GtkSpinner           *loading_spinner;
  GtkLabel             *loading_label;
  GtkPaned             *sidebar_paned;
  GtkWidget            *sidebar;       /* functions and problems, left of the canvas */
  GtkPaned             *inspector_paned;
  GtkPaned             *source_paned;
  GtkStack             *sidebar_stack;
  GtkStackPage         *diagnostics_page;
  AgvizTraceList       *trace_list;
  AgvizProblemsList    *problems;
  GtkSearchBar         *search_bar;
  AgvizSearchPanel     *search_panel;
  GtkToggleButton      *search_button;
  GtkWidget            *sidebar_button;   /* the panes' toggles, shown with a document */
  GtkWidget            *inspector_button;
  AgvizGraphView       *graph_view;
  AgvizMinimap         *minimap;
  GtkButton            *zoom_label_button;
  GtkStack             *inspector_stack;
  AgvizInspector       *inspector;
  AgvizComparison      *comparison;
  GtkWidget            *executions_panel;
  GtkLabel             *executions_label;
  AgvizTimeline        *timeline;
  GtkLabel             *source_label;
  GtkStack             *source_stack;  /* "text", or "missing" when the file cannot be shown */
  GtkSourceView        *source_view;
  GtkLabel             *missing_title;
  GtkLabel             *missing_details;
  GtkWidget            *locate_button;
  GtkLabel             *locate_status; /* what the last folder located gave, when it failed */
};

void     _agviz_window_class_add_actions (AgvizWindowClass *klass);
/* Shows the inspector and source pane, as its toggle does: selecting a node opens it again. */
void     _agviz_window_show_inspector_pane (AgvizWindow    *self);
/* Says @message in a toast over the window: for errors that need no action and need not stay. */
void     _agviz_window_show_toast        (AgvizWindow      *self,
                                          const char       *message);
void     _agviz_window_update_actions    (AgvizWindow      *self);
/* Shows @recorded_path in the source view with @line highlighted and scrolled to. */
void     _agviz_window_show_source       (AgvizWindow      *self,
                                          const char       *recorded_path,
                                          int               line);
/* Selects the diagnostic at @position in the diagnostics list. */
void     _agviz_window_select_diagnostic (AgvizWindow      *self,
                                          guint             position);
/* Shows trace @trace_id next to the first trace of its function in the comparison view, with
 * what @diagnostic (nullable), the finding it is opened from, knows. */
void     _agviz_window_show_comparison   (AgvizWindow      *self,
                                          gint64            trace_id,
                                          AgvizDiagnostic  *diagnostic);
/* Maps the source folders of the file in the source view to @folder, a folder on this machine
 * that holds a copy of its tree (agviz_source_map_find_root()), keeps the mapping for this trace
 * file and shows the sources again everywhere; behind win.locate-sources, which the Locate
 * Folder button's dialog activates.  FALSE, saying why in the source pane, when nothing under
 * @folder matches: then nothing is mapped. */
gboolean _agviz_window_locate_sources    (AgvizWindow      *self,
                                          const char       *folder);
/* Where the example trace file is: the build tree's when running uninstalled. */
char    *_agviz_window_find_example      (void);

G_END_DECLS
