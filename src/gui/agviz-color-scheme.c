/* agviz-color-scheme.c: the desktop's light/dark preference (see agviz-color-scheme.h) */
#define G_LOG_DOMAIN "agviz-color-scheme"

#include "config.h"

#include "agviz-color-scheme.h"

#define INTERFACE_SCHEMA "org.gnome.desktop.interface"
#define PORTAL_NAMESPACE "org.freedesktop.appearance"

struct _AgvizColorScheme
{
  GObject                 parent_instance;

  GtkSettings            *settings;
  AgvizColorSchemeSource  source;
  gboolean                prefers_dark;
  GSettings              *interface;
  GDBusProxy             *portal;
  GCancellable           *cancellable;
};

G_DEFINE_FINAL_TYPE (AgvizColorScheme, agviz_color_scheme, G_TYPE_OBJECT)

static void
apply (AgvizColorScheme       *self,
       AgvizColorSchemeSource  source,
       gboolean                prefers_dark)
{
  self->source = source;
  self->prefers_dark = prefers_dark;
  g_object_set (self->settings, "gtk-application-prefer-dark-theme", prefers_dark, NULL);
}

static void
on_interface_changed (GSettings        *settings,
                      const char       *key,
                      AgvizColorScheme *self)
{
  g_autofree char *scheme = g_settings_get_string (settings, "color-scheme");

  apply (self, AGVIZ_COLOR_SCHEME_SOURCE_GSETTINGS, g_str_equal (scheme, "prefer-dark"));
}

/* The portal's value: 1 prefers dark, 2 light, 0 no preference.  Read() wraps it in one more
 * variant than ReadOne() and SettingChanged do. */
static void
apply_portal_value (AgvizColorScheme *self,
                    GVariant         *value)
{
  g_autoptr(GVariant) inner = g_variant_ref (value);

  while (g_variant_is_of_type (inner, G_VARIANT_TYPE_VARIANT))
    {
      GVariant *unwrapped = g_variant_get_variant (inner);

      g_variant_unref (inner);
      inner = unwrapped;
    }
  if (g_variant_is_of_type (inner, G_VARIANT_TYPE_UINT32))
    apply (self, AGVIZ_COLOR_SCHEME_SOURCE_PORTAL, g_variant_get_uint32 (inner) == 1);
}

static void
on_portal_signal (GDBusProxy       *proxy,
                  const char       *sender_name,
                  const char       *signal_name,
                  GVariant         *parameters,
                  AgvizColorScheme *self)
{
  const char *namespace, *key;
  g_autoptr(GVariant) value = NULL;

  if (!g_str_equal (signal_name, "SettingChanged") ||
      !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ssv)")))
    return;
  g_variant_get (parameters, "(&s&sv)", &namespace, &key, &value);
  if (g_str_equal (namespace, PORTAL_NAMESPACE) && g_str_equal (key, "color-scheme"))
    apply_portal_value (self, value);
}

static void
on_portal_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &error);
  g_autoptr(GVariant) value = NULL;
  AgvizColorScheme *self;

  if (reply == NULL)
    {
      /* No portal, or one without the appearance namespace: keep the theme as it is. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No colour scheme from the settings portal: %s", error->message);
      return;
    }
  self = AGVIZ_COLOR_SCHEME (user_data);
  g_variant_get (reply, "(v)", &value);
  apply_portal_value (self, value);
}

static void
on_portal_proxy (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GDBusProxy *proxy = g_dbus_proxy_new_for_bus_finish (result, &error);
  AgvizColorScheme *self;

  if (proxy == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No settings portal: %s", error->message);
      return;
    }
  self = AGVIZ_COLOR_SCHEME (user_data);
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_object_unref (proxy);
      return;
    }
  self->portal = proxy;
  g_signal_connect (proxy, "g-signal", G_CALLBACK (on_portal_signal), self);
  g_dbus_proxy_call (proxy, "Read", g_variant_new ("(ss)", PORTAL_NAMESPACE, "color-scheme"),
                     G_DBUS_CALL_FLAGS_NONE, 2000, self->cancellable, on_portal_read, self);
}

/* Whether connecting to the session bus can work without spawning one (GLib would otherwise try
 * to autolaunch a bus on X11). */
static gboolean
has_session_bus (void)
{
  g_autofree char *socket = NULL;

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL)
    return TRUE;
  socket = g_build_filename (g_get_user_runtime_dir (), "bus", NULL);
  return g_file_test (socket, G_FILE_TEST_EXISTS);
}

static void
agviz_color_scheme_dispose (GObject *object)
{
  AgvizColorScheme *self = AGVIZ_COLOR_SCHEME (object);

  g_cancellable_cancel (self->cancellable);
  if (self->interface != NULL)
    g_signal_handlers_disconnect_by_data (self->interface, self);
  if (self->portal != NULL)
    g_signal_handlers_disconnect_by_data (self->portal, self);
  g_clear_object (&self->interface);
  g_clear_object (&self->portal);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (agviz_color_scheme_parent_class)->dispose (object);
}

static void
agviz_color_scheme_class_init (AgvizColorSchemeClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = agviz_color_scheme_dispose;
}

static void
agviz_color_scheme_init (AgvizColorScheme *self)
{
  self->cancellable = g_cancellable_new ();
}

AgvizColorScheme *
agviz_color_scheme_new (GtkSettings *settings)
{
  g_autoptr(AgvizColorScheme) self = NULL;
  GSettingsSchemaSource *schemas = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  g_return_val_if_fail (GTK_IS_SETTINGS (settings), NULL);

  self = g_object_new (AGVIZ_TYPE_COLOR_SCHEME, NULL);
  self->settings = g_object_ref (settings);
  if (schemas != NULL)
    schema = g_settings_schema_source_lookup (schemas, INTERFACE_SCHEMA, TRUE);
  if (schema != NULL && g_settings_schema_has_key (schema, "color-scheme"))
    {
      self->interface = g_settings_new_full (schema, NULL, NULL);
      g_signal_connect (self->interface, "changed::color-scheme",
                        G_CALLBACK (on_interface_changed), self);
      on_interface_changed (self->interface, "color-scheme", self);
    }
  else if (has_session_bus ())
    g_dbus_proxy_new_for_bus (G_BUS_TYPE_SESSION,
                              G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES,
                              NULL, "org.freedesktop.portal.Desktop",
                              "/org/freedesktop/portal/desktop",
                              "org.freedesktop.portal.Settings",
                              self->cancellable, on_portal_proxy, self);
  return g_steal_pointer (&self);
}

AgvizColorSchemeSource
agviz_color_scheme_get_source (AgvizColorScheme *self)
{
  g_return_val_if_fail (AGVIZ_IS_COLOR_SCHEME (self), AGVIZ_COLOR_SCHEME_SOURCE_NONE);
  return self->source;
}

gboolean
agviz_color_scheme_prefers_dark (AgvizColorScheme *self)
{
  g_return_val_if_fail (AGVIZ_IS_COLOR_SCHEME (self), FALSE);
  return self->prefers_dark;
}
