/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-diagnostic.c: one finding about a trace file, with its evidence and fix */
#define G_LOG_DOMAIN "agviz-diagnostic"

#include "config.h"

#include "agviz-diagnostic.h"
#include "agviz-records-private.h"

struct _AgvizDiagnostic
{
  GObject                  parent_instance;

  AgvizDiagnosticSeverity  severity;
  AgvizDiagnosticKind      kind;
  char                    *message;
  gint64                   function_id;
  char                    *function;
  gint64                   trace_id;
  int                      trace_ordinal;
  gint64                   node_id;
  char                    *node;
  char                    *file;
  int                      line;
  char                    *source_line;
  GPtrArray               *evidence;   /* NULL-terminated, so it doubles as a strv */
  char                    *fix;
};

G_DEFINE_FINAL_TYPE (AgvizDiagnostic, agviz_diagnostic, G_TYPE_OBJECT)

/* Read-only properties, so list views can bind them with GtkPropertyExpression. */
enum
{
  PROP_0,
  PROP_SEVERITY,
  PROP_KIND,
  PROP_MESSAGE,
  PROP_FUNCTION,
  PROP_FILE,
  PROP_LINE,
  PROP_FIX,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const severity_names[] = { "note", "warning", "error" };
static const char *const kind_names[] = {
  "variable-non-first-trace", "retracing", "frozen-value", "trace-time-side-effect", "nan-inf",
  "autograph-conversion", "graph-break", "compile-failure", "function-redefined",
};

const char *
agviz_diagnostic_severity_to_string (AgvizDiagnosticSeverity severity)
{
  g_return_val_if_fail ((guint) severity < G_N_ELEMENTS (severity_names), NULL);
  return severity_names[severity];
}

gboolean
agviz_diagnostic_severity_from_string (const char              *text,
                                       AgvizDiagnosticSeverity *severity)
{
  int value;

  if (!_agviz_enum_from_name (severity_names, G_N_ELEMENTS (severity_names), text, &value))
    return FALSE;
  *severity = (AgvizDiagnosticSeverity) value;
  return TRUE;
}

const char *
agviz_diagnostic_kind_to_string (AgvizDiagnosticKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_names), NULL);
  return kind_names[kind];
}

static void
agviz_diagnostic_finalize (GObject *object)
{
  AgvizDiagnostic *self = AGVIZ_DIAGNOSTIC (object);

  g_free (self->message);
  g_free (self->function);
  g_free (self->node);
  g_free (self->file);
  g_free (self->source_line);
  g_clear_pointer (&self->evidence, g_ptr_array_unref);
  g_free (self->fix);

  G_OBJECT_CLASS (agviz_diagnostic_parent_class)->finalize (object);
}

static void
agviz_diagnostic_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AgvizDiagnostic *self = AGVIZ_DIAGNOSTIC (object);

  switch (prop_id)
    {
    case PROP_SEVERITY:
      g_value_set_string (value, agviz_diagnostic_severity_to_string (self->severity));
      break;
    case PROP_KIND:
      g_value_set_string (value, agviz_diagnostic_kind_to_string (self->kind));
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_FUNCTION:
      g_value_set_string (value, self->function);
      break;
    case PROP_FILE:
      g_value_set_string (value, self->file);
      break;
    case PROP_LINE:
      g_value_set_int (value, self->line);
      break;
    case PROP_FIX:
      g_value_set_string (value, self->fix);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
agviz_diagnostic_class_init (AgvizDiagnosticClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = agviz_diagnostic_finalize;
  object_class->get_property = agviz_diagnostic_get_property;

  properties[PROP_SEVERITY] = g_param_spec_string ("severity", NULL, NULL, NULL, flags);
  properties[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, NULL, flags);
  properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, flags);
  properties[PROP_FUNCTION] = g_param_spec_string ("function", NULL, NULL, NULL, flags);
  properties[PROP_FILE] = g_param_spec_string ("file", NULL, NULL, NULL, flags);
  properties[PROP_LINE] = g_param_spec_int ("line", NULL, NULL, 0, G_MAXINT, 0, flags);
  properties[PROP_FIX] = g_param_spec_string ("fix", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
agviz_diagnostic_init (AgvizDiagnostic *self)
{
  self->evidence = g_ptr_array_new_null_terminated (4, g_free, TRUE);
}

AgvizDiagnostic *
agviz_diagnostic_new (AgvizDiagnosticSeverity  severity,
                      AgvizDiagnosticKind      kind,
                      const char              *message)
{
  AgvizDiagnostic *self;

  g_return_val_if_fail ((guint) severity < G_N_ELEMENTS (severity_names), NULL);
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_names), NULL);
  g_return_val_if_fail (message != NULL, NULL);

  self = g_object_new (AGVIZ_TYPE_DIAGNOSTIC, NULL);
  self->severity = severity;
  self->kind = kind;
  self->message = g_strdup (message);
  return self;
}

#define GETTER(type, name, field, fallback) \
  type \
  agviz_diagnostic_get_##name (AgvizDiagnostic *self) \
  { \
    g_return_val_if_fail (AGVIZ_IS_DIAGNOSTIC (self), fallback); \
    return self->field; \
  }

GETTER (AgvizDiagnosticSeverity, severity, severity, AGVIZ_DIAGNOSTIC_SEVERITY_NOTE)
GETTER (AgvizDiagnosticKind, kind, kind, AGVIZ_DIAGNOSTIC_KIND_VARIABLE_NON_FIRST_TRACE)
GETTER (const char *, message, message, NULL)
GETTER (const char *, function, function, NULL)
GETTER (gint64, function_id, function_id, 0)
GETTER (gint64, trace_id, trace_id, 0)
GETTER (int, trace_ordinal, trace_ordinal, 0)
GETTER (gint64, node_id, node_id, 0)
GETTER (const char *, node, node, NULL)
GETTER (const char *, file, file, NULL)
GETTER (int, line, line, 0)
GETTER (const char *, source_line, source_line, NULL)
GETTER (const char *, fix, fix, NULL)

const char * const *
agviz_diagnostic_get_evidence (AgvizDiagnostic *self)
{
  g_return_val_if_fail (AGVIZ_IS_DIAGNOSTIC (self), NULL);
  return (const char * const *) self->evidence->pdata;
}

void
agviz_diagnostic_set_function (AgvizDiagnostic *self,
                               gint64           function_id,
                               const char      *name)
{
  g_return_if_fail (AGVIZ_IS_DIAGNOSTIC (self));

  self->function_id = function_id;
  g_free (self->function);
  self->function = g_strdup (name);
}

void
agviz_diagnostic_set_trace (AgvizDiagnostic *self,
                            gint64           trace_id,
                            int              ordinal)
{
  g_return_if_fail (AGVIZ_IS_DIAGNOSTIC (self));

  self->trace_id = trace_id;
  self->trace_ordinal = ordinal;
}

void
agviz_diagnostic_set_node (AgvizDiagnostic *self,
                           gint64           node_id,
                           const char      *name)
{
  g_return_if_fail (AGVIZ_IS_DIAGNOSTIC (self));

  self->node_id = node_id;
  g_free (self->node);
  self->node = g_strdup (name);
}

void
agviz_diagnostic_set_location (AgvizDiagnostic *self,
                               const char      *file,
                               int              line,
                               const char      *source_line)
{
  g_return_if_fail (AGVIZ_IS_DIAGNOSTIC (self));

  g_free (self->file);
  g_free (self->source_line);
  self->file = g_strdup (file);
  self->line = MAX (line, 0);
  self->source_line = g_strdup (source_line);
}

void
agviz_diagnostic_add_evidence (AgvizDiagnostic *self,
                               const char      *format,
                               ...)
{
  va_list args;

  g_return_if_fail (AGVIZ_IS_DIAGNOSTIC (self));
  g_return_if_fail (format != NULL);

  va_start (args, format);
  g_ptr_array_add (self->evidence, g_strdup_vprintf (format, args));
  va_end (args);
}

void
agviz_diagnostic_set_fix (AgvizDiagnostic *self,
                          const char      *fix)
{
  g_return_if_fail (AGVIZ_IS_DIAGNOSTIC (self));

  g_free (self->fix);
  self->fix = g_strdup (fix);
}
