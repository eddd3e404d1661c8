/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-python-scan.c: the Python-aware scan behind the side-effect and frozen-value checks
 *
 * Programs are written one line per array element, so the element's index + 1 is its line.
 * Each test compares the complete list of findings, so a false alarm fails it as surely as a
 * miss.
 */
#include "config.h"

#include <string.h>

#include "agviz-core.h"

static char *
join_lines (const char *const *lines)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_string_append (text, lines[i]);
      g_string_append_c (text, '\n');
    }
  return g_string_free (text, FALSE);
}

/* One finding as a line of text: "mutating-call 9 seen", through a helper "mutating-call 5 seen
 * via log_value:9" (the helper and the caller's line), an object passed to a helper
 * "mutating-call 12 seen via add_to:12 as lst:6" (also the helper's parameter and line), or for
 * a value "trace-time-value 5 np.random.randn <- np.random.randn:5 uses 5 6(noise) 8r(scaled)". */
static char *
describe (const AgvizPythonScanFinding *finding)
{
  GString *text = g_string_new (NULL);

  g_string_printf (text, "%s %d %s", agviz_python_scan_kind_to_string (finding->kind),
                   finding->line, finding->name);
  g_assert_true ((finding->method != NULL) == (finding->kind == AGVIZ_PYTHON_SCAN_MUTATING_CALL));
  if (finding->kind != AGVIZ_PYTHON_SCAN_TRACE_TIME_VALUE)
    {
      g_assert_cmpuint (finding->uses->len, ==, 0);
      g_assert_true ((finding->argument != NULL) == (finding->parameter != NULL));
      if (finding->helper == NULL)
        {
          g_assert_cmpint (finding->helper_call_line, ==, 0);
          g_assert_cmpint (finding->helper_line, ==, 0);
          g_assert_null (finding->parameter);
          return g_string_free (text, FALSE);
        }
      g_string_append_printf (text, " via %s:%d", finding->helper, finding->helper_call_line);
      if (finding->parameter == NULL)
        g_assert_cmpint (finding->helper_line, ==, finding->line);
      else
        {
          g_assert_cmpint (finding->helper_call_line, ==, finding->line);
          g_assert_true (g_str_has_prefix (finding->name, finding->argument));
          g_string_append_printf (text, " as %s:%d", finding->parameter, finding->helper_line);
        }
      return g_string_free (text, FALSE);
    }
  g_assert_cmpint (finding->helper_call_line, ==, 0);
  g_assert_null (finding->parameter);
  g_string_append_printf (text, " <- %s:%d uses", finding->call, finding->call_line);
  for (guint u = 0; u < finding->uses->len; u++)
    {
      const AgvizPythonScanUse *use = g_ptr_array_index (finding->uses, u);

      g_assert_cmpint (use->first_line, <=, use->line);
      g_assert_cmpint (use->line, <=, use->last_line);
      g_string_append_printf (text, " %d", use->line);
      if (use->first_line != use->line || use->last_line != use->line)
        g_string_append_printf (text, "[%d-%d]", use->first_line, use->last_line);
      if (use->returned)
        g_string_append_c (text, 'r');
      if (use->name != NULL)
        g_string_append_printf (text, "(%s)", use->name);
    }
  return g_string_free (text, FALSE);
}

/* Scans the function at @line of @lines and compares every finding with @expected. */
static AgvizPythonScan *
scan_expecting (const char *const *lines,
                int                line,
                const char *const *expected)
{
  g_autofree char *text = join_lines (lines);
  AgvizPythonScan *scan = agviz_python_scan_new (text, -1, line);
  guint n_expected = g_strv_length ((char **) expected);

  g_assert_nonnull (scan);
  for (guint i = 0; i < MAX (scan->findings->len, n_expected); i++)
    {
      g_autofree char *found = i < scan->findings->len
                               ? describe (g_ptr_array_index (scan->findings, i)) : NULL;
      if (g_strcmp0 (found, i < n_expected ? expected[i] : NULL) != 0)
        g_error ("function at line %d, finding %u: expected '%s', found '%s'", line, i,
                 i < n_expected ? expected[i] : "(nothing)", found != NULL ? found : "(nothing)");
    }
  return scan;
}

static void
assert_names (GPtrArray  *names,
              const char *expected)
{
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (joined, "%s%s", i > 0 ? " " : "", (char *) g_ptr_array_index (names, i));
  g_assert_cmpstr (joined->str, ==, expected);
}

/* ---- side effects ------------------------------------------------------------------------ */

static const char *const side_effect_program[] = {
  "import numpy as np",                              /*  1 */
  "import tensorflow as tf",                         /*  2 */
  "seen = []",                                       /*  3 */
  "cache = {}",                                      /*  4 */
  "n = 0",                                           /*  5 */
  "",                                                /*  6 */
  "class Counter(tf.Module):",                       /*  7 */
  "    def __init__(self):",                         /*  8 */
  "        self.calls = 0",                          /*  9 */
  "        self.v = None",                           /* 10 */
  "",                                                /* 11 */
  "    @tf.function",                                /* 12 */
  "    def __call__(self, x):",                      /* 13 */
  "        self.calls += 1",                         /* 14 */
  "        if self.v is None:",                      /* 15 */
  "            self.v = tf.Variable(1.0)",           /* 16 */
  "        self.history.append(x)",                  /* 17 */
  "        self.log(x); self.w = self.add_weight()", /* 18 */
  "        return x * self.v",                       /* 19 */
  "",                                                /* 20 */
  "@tf.function",                                    /* 21 */
  "def g(x, k):",                                    /* 22 */
  "    global n",                                    /* 23 */
  "    outs, logs = [], []",                         /* 24 */
  "    logs.append(x)",                              /* 25 */
  "    y = x + 1  # was: print(y)",                  /* 26 */
  "    s = \"print(x) # seen.append(x)\"",           /* 27 */
  "    seen.append(x)",                              /* 28 */
  "    cache[k] = x",                                /* 29 */
  "    n += 1",                                      /* 30 */
  "    print(\"tracing\", x)",                       /* 31 */
  "    tf.print(x)",                                 /* 32 */
  "    k.append(x)",                                 /* 33 */
  "    a = b = []",                                  /* 34 */
  "    b.append(1)",                                 /* 35 */
  "    for i, (p, q) in enumerate(outs):",           /* 36 */
  "        q.append(i)",                             /* 37 */
  "    with open(\"f\") as fh, lock as (l1, l2):",   /* 38 */
  "        fh.write(\"x\"); l2.update(x)",           /* 39 */
  "    [z.append(1) for z in outs]",                 /* 40 */
  "    np.add(x, 1); tf.add(x, 1)",                  /* 41 */
  "    t: list = []",                                /* 42 */
  "    t.append(1)",                                 /* 43 */
  "    first, *rest = outs",                         /* 44 */
  "    rest.extend(outs)",                           /* 45 */
  "    if (w := []) is not None: w.add(1)",          /* 46 */
  "    import collections",                          /* 47 */
  "    collections.update(x)",                       /* 48 */
  "    seen.pop(); cache.setdefault(k, x); cache.clear()", /* 49 */
  "    del cache[k]",                                /* 50 */
  "    del y",                                       /* 51 */
  "    cache.get(k).append(x)",                      /* 52 */
  "    seen[0].add(x)",                              /* 53 */
  "    obj.attr = x",                                /* 54 */
  "    return x",                                    /* 55 */
  NULL,
};

static void
test_side_effects (void)
{
  static const char *const in_call[] = {
    "attribute-store 14 self.calls",
    "mutating-call 17 self.history",
    NULL,
  };
  g_autoptr(AgvizPythonScan) g = NULL, call = NULL, init = NULL;

  /* Sorted by line then column: line 30's store sorts after 28 and 29. */
  g = scan_expecting (side_effect_program, 22, (const char *const[]) {
    "mutating-call 28 seen",
    "item-store 29 cache",
    "global-store 30 n",
    "print 31 print",
    "mutating-call 49 seen",
    "mutating-call 49 cache",
    "mutating-call 49 cache",
    "item-store 50 cache",
    "mutating-call 53 seen[0]",
    "attribute-store 54 obj.attr",
    NULL,
  });
  assert_names (g->parameters, "x k");
  assert_names (g->locals, "a b collections fh first i k l1 l2 logs outs p q rest s t w x y z");
  assert_names (g->declared, "n");
  g_assert_true (agviz_python_scan_is_local (g, "logs"));
  g_assert_false (agviz_python_scan_is_local (g, "n"));
  g_assert_false (agviz_python_scan_is_local (g, "seen"));
  g_assert_cmpstr (g->definition.name, ==, "g");
  g_assert_cmpint (g->definition.first_line, ==, 21);
  g_assert_cmpint (g->definition.def_line, ==, 22);
  g_assert_cmpint (g->definition.body_first_line, ==, 23);
  g_assert_cmpint (g->definition.body_last_line, ==, 55);

  /* The method: self's attributes are the object's state; self.v = tf.Variable(...) is TF's
   * variable-once pattern, and calling a method of self (self.log) changes nothing visible. */
  call = scan_expecting (side_effect_program, 12, in_call);
  assert_names (call->parameters, "self x");
  /* __init__ is not traced, but the scan reads it like any function. */
  init = scan_expecting (side_effect_program, 8, (const char *const[]) {
    "attribute-store 9 self.calls", "attribute-store 10 self.v", NULL });
}

/* The false alarms of the line regexes, each alone in a function: none may give a finding. */
static const char *const false_alarm_program[] = {
  "import random",                                   /*  1 */
  "import numpy as np",                              /*  2 */
  "import tensorflow as tf",                         /*  3 */
  "np.random.seed(0)",                               /*  4 */
  "random.seed(0)",                                  /*  5 */
  "rng = np.random.default_rng(42)",                 /*  6 */
  "",                                                /*  7 */
  "@tf.function",                                    /*  8 */
  "def several_targets(x):",                         /*  9 */
  "    outs, logs = [], []",                         /* 10 */
  "    logs.append(x)",                              /* 11 */
  "    outs.append(tf.print(x))",                    /* 12 */
  "    return outs",                                 /* 13 */
  "",                                                /* 14 */
  "@tf.function",                                    /* 15 */
  "def commented(x):",                               /* 16 */
  "    y = x + 1  # was: print(y)",                  /* 17 */
  "    # seen.append(y); np.random.randn(3)",        /* 18 */
  "    return y",                                    /* 19 */
  "",                                                /* 20 */
  "@tf.function",                                    /* 21 */
  "def in_strings(x):",                              /* 22 */
  "    s = 'print(x)' + \"seen.append(x)\"",         /* 23 */
  "    t = '''np.random.randn(3)",                   /* 24 */
  "    time.time()'''",                              /* 25 */
  "    u = f\"{x!r} print({x})\"",                   /* 26 */
  "    return tf.constant(s + t + u)",               /* 27 */
  "",                                                /* 28 */
  "@tf.function",                                    /* 29 */
  "def seeded(x):",                                  /* 30 */
  "    np.random.seed(1)",                           /* 31 */
  "    random.seed(2)",                              /* 32 */
  "    g = np.random.default_rng(3)",                /* 33 */
  "    r = random.Random(4)",                        /* 34 */
  "    s = np.random.RandomState(5)",                /* 35 */
  "    q = np.random.SeedSequence(6)",               /* 36 */
  "    return x + tf.random.normal([3]) + tf.random.uniform([3])", /* 37 */
  "",                                                /* 38 */
  "class Scaler(tf.Module):",                        /* 39 */
  "    @tf.function",                                /* 40 */
  "    def __call__(self, x):",                      /* 41 */
  "        if x.shape.rank not in self.scales:",     /* 42 */
  "            self.scales[x.shape.rank] = tf.Variable(x)", /* 43 */
  "        return self.scales[x.shape.rank] * x",    /* 44 */
  NULL,
};

static void
test_false_alarms (void)
{
  static const int functions[] = { 9, 16, 22, 30, 41 };
  static const char *const nothing[] = { NULL };

  for (guint i = 0; i < G_N_ELEMENTS (functions); i++)
    {
      g_autoptr(AgvizPythonScan) scan = scan_expecting (false_alarm_program, functions[i], nothing);
    }
}

/* ---- side effects of helpers ------------------------------------------------------------ */

/* Helpers of the file the traced functions call: what they change outside them is the caller's
 * side effect; what they change of their own is not, nor is a tf.function's (checked as its
 * own), a numpy_function's (it runs every call), or what a helper's helper does. */
static const char *const helper_program[] = {
  "import numpy as np",                                  /*   1 */
  "import tensorflow as tf",                             /*   2 */
  "seen = []",                                           /*   3 */
  "cache = {}",                                          /*   4 */
  "n = 0",                                               /*   5 */
  "stats = Stats()",                                     /*   6 */
  "",                                                    /*   7 */
  "def log_value(x):",                                   /*   8 */
  "    print(\"value\", x)",                             /*   9 */
  "    seen.append(x)",                                  /*  10 */
  "",                                                    /*  11 */
  "def count():",                                        /*  12 */
  "    global n",                                        /*  13 */
  "    n += 1",                                          /*  14 */
  "",                                                    /*  15 */
  "def remember(k, x):",                                 /*  16 */
  "    cache[k] = x",                                    /*  17 */
  "",                                                    /*  18 */
  "def tag(x):",                                         /*  19 */
  "    stats.last = x",                                  /*  20 */
  "",                                                    /*  21 */
  "def reads_only(x):",                                  /*  22 */
  "    return x * len(seen) + n + cache.get(\"k\", 0) + stats.last", /*  23 */
  "",                                                    /*  24 */
  "def own_locals(x, *args, **kw):",                     /*  25 */
  "    out, d = [], {}",                                 /*  26 */
  "    out.append(x)",                                   /*  27 */
  "    d[\"k\"] = x",                                    /*  28 */
  "    box = Box()",                                     /*  29 */
  "    box.value = x",                                   /*  30 */
  "    total = 0",                                       /*  31 */
  "    total += 1",                                      /*  32 */
  "    args[0].append(x)",                               /*  33 */
  "    kw[\"k\"] = x",                                   /*  34 */
  "    tf.print(x)",                                     /*  35 */
  "    np.add(x, 1)",                                    /*  36 */
  "    return out",                                      /*  37 */
  "",                                                    /*  38 */
  "def add_to(lst, x):",                                 /*  39 */
  "    lst.append(x)",                                   /*  40 */
  "",                                                    /*  41 */
  "def set_item(d, k, v):",                              /*  42 */
  "    d[k] = v",                                        /*  43 */
  "",                                                    /*  44 */
  "def set_count(obj, /, *rest, flag=False):",           /*  45 */
  "    obj.count = 1",                                   /*  46 */
  "",                                                    /*  47 */
  "def copies(lst, x):",                                 /*  48 */
  "    lst = list(lst)",                                 /*  49 */
  "    lst.append(x)",                                   /*  50 */
  "    return lst",                                      /*  51 */
  "",                                                    /*  52 */
  "def record(model, x):",                               /*  53 */
  "    model.calls += 1",                                /*  54 */
  "    model.history.append(x)",                         /*  55 */
  "    model.append(x)",                                 /*  56 */
  "",                                                    /*  57 */
  "@tf.function",                                        /*  58 */
  "def traced_helper(x):",                               /*  59 */
  "    seen.append(x)",                                  /*  60 */
  "    return x",                                        /*  61 */
  "",                                                    /*  62 */
  "@tf.function(jit_compile=True)",                      /*  63 */
  "def traced_jit(x):",                                  /*  64 */
  "    print(x)",                                        /*  65 */
  "    return x",                                        /*  66 */
  "",                                                    /*  67 */
  "@tf.numpy_function(Tout=tf.float32)",                 /*  68 */
  "def eager_each_call(x):",                             /*  69 */
  "    seen.append(x)",                                  /*  70 */
  "    return x",                                        /*  71 */
  "",                                                    /*  72 */
  "def inner_helper(x):",                                /*  73 */
  "    seen.append(x)",                                  /*  74 */
  "",                                                    /*  75 */
  "def outer_helper(x):",                                /*  76 */
  "    inner_helper(x)",                                 /*  77 */
  "    return x",                                        /*  78 */
  "",                                                    /*  79 */
  "def recurse(x, depth):",                              /*  80 */
  "    if depth:",                                       /*  81 */
  "        return recurse(x, depth - 1)",                /*  82 */
  "    return x",                                        /*  83 */
  "",                                                    /*  84 */
  "def ping(x):",                                        /*  85 */
  "    return pong(x)",                                  /*  86 */
  "",                                                    /*  87 */
  "def pong(x):",                                        /*  88 */
  "    seen.append(x)",                                  /*  89 */
  "    return ping(x)",                                  /*  90 */
  "",                                                    /*  91 */
  "def twice(x):",                                       /*  92 */
  "    seen.append(x)",                                  /*  93 */
  "",                                                    /*  94 */
  "def twice(x):",                                       /*  95 */
  "    return x",                                        /*  96 */
  "",                                                    /*  97 */
  "def rebound_later(x):",                               /*  98 */
  "    seen.append(x)",                                  /*  99 */
  "rebound_later = tf.function(rebound_later)",          /* 100 */
  "",                                                    /* 101 */
  "@tf.function",                                        /* 102 */
  "def step(x, k):",                                     /* 103 */
  "    local = []",                                      /* 104 */
  "    log_value(x)",                                    /* 105 */
  "    log_value(x + 1)",                                /* 106 */
  "    count()",                                         /* 107 */
  "    remember(k, x)",                                  /* 108 */
  "    tag(x)",                                          /* 109 */
  "    y = reads_only(x) + own_locals(x, seen, k=cache)", /* 110 */
  "    add_to(seen, x)",                                 /* 111 */
  "    add_to(local, x)",                                /* 112 */
  "    add_to(k, x)",                                    /* 113 */
  "    add_to(x=x, lst=seen)",                           /* 114 */
  "    add_to(*local, seen)",                            /* 115 */
  "    add_to(stats.items, x)",                          /* 116 */
  "    add_to(seen[0], x)",                              /* 117 */
  "    set_item(cache, \"a\", x)",                       /* 118 */
  "    set_count(stats, 1, 2)",                          /* 119 */
  "    set_count(local)",                                /* 120 */
  "    set_count(obj=stats)",                            /* 121 */
  "    copies(seen, x)",                                 /* 122 */
  "    traced_helper(x); traced_jit(x); eager_each_call(x)", /* 123 */
  "    outer_helper(x)",                                 /* 124 */
  "    recurse(x, 2)",                                   /* 125 */
  "    ping(x)",                                         /* 126 */
  "    twice(x)",                                        /* 127 */
  "    rebound_later(x)",                                /* 128 */
  "    step(x, k)",                                      /* 129 */
  "    tf.print(x)",                                     /* 130 */
  "    return x",                                        /* 131 */
  "",                                                    /* 132 */
  "class Model(tf.Module):",                             /* 133 */
  "    @tf.function",                                    /* 134 */
  "    def __call__(self, x):",                          /* 135 */
  "        self.log_value(x)",                           /* 136 */
  "        record(self, x)",                             /* 137 */
  "        return x",                                    /* 138 */
  "",                                                    /* 139 */
  "@tf.function",                                        /* 140 */
  "def shadowed(x, log_value):",                         /* 141 */
  "    log_value(x)",                                    /* 142 */
  "    def count():",                                    /* 143 */
  "        pass",                                        /* 144 */
  "    count()",                                         /* 145 */
  "    return x",                                        /* 146 */
  "",                                                    /* 147 */
  "def make_step():",                                    /* 148 */
  "    @tf.function",                                    /* 149 */
  "    def inner_step(x):",                              /* 150 */
  "        seen.append(x)",                              /* 151 */
  "        make_step()",                                 /* 152 */
  "        return x",                                    /* 153 */
  "    cache[\"made\"] = 1",                             /* 154 */
  "    return inner_step",                               /* 155 */
  NULL,
};

static void
test_helper_side_effects (void)
{
  g_autoptr(AgvizPythonScan) step = NULL, model = NULL, shadowed = NULL, add_to = NULL;
  g_autoptr(AgvizPythonScan) log_value = NULL, inner_step = NULL;
  static const char *const nothing[] = { NULL };
  AgvizPythonScanFinding *finding;

  /* The helper's own lines, with the first call as evidence, once however often it is called;
   * objects passed in, on the call's line, per call.  Not: the helpers that only read (22) or
   * change their own locals, * and ** parameters (25); a local (112), a parameter (113), an
   * unpacked sequence before the object (115), a subscription (117) passed; a positional-only
   * parameter given by keyword (121); a parameter the helper rebinds first (122); tf.function
   * and numpy_function helpers (123); a helper's helper (124, 126); recursion (125, 129); a
   * name defined twice (127) or rebound at module level (128). */
  step = scan_expecting (helper_program, 103, (const char *const[]) {
    "print 9 print via log_value:105",
    "mutating-call 10 seen via log_value:105",
    "global-store 14 n via count:107",
    "item-store 17 cache via remember:108",
    "attribute-store 20 stats.last via tag:109",
    "mutating-call 111 seen via add_to:111 as lst:40",
    "mutating-call 114 seen via add_to:114 as lst:40",
    "mutating-call 116 stats.items via add_to:116 as lst:40",
    "item-store 118 cache via set_item:118 as d:43",
    "attribute-store 119 stats.count via set_count:119 as obj:46",
    NULL,
  });
  finding = g_ptr_array_index (step->findings, 1);
  g_assert_cmpstr (finding->method, ==, "append");
  g_assert_cmpint (finding->column, ==, 4);
  finding = g_ptr_array_index (step->findings, 7);
  g_assert_cmpstr (finding->argument, ==, "stats.items");
  g_assert_cmpint (finding->column, ==, 4);

  /* self passed to a helper: its attributes are the object's state, as in a method, and a
   * method called on the object itself changes nothing visible; self.log_value is a method. */
  model = scan_expecting (helper_program, 135, (const char *const[]) {
    "mutating-call 137 self.history via record:137 as model:55",
    "attribute-store 137 self.calls via record:137 as model:54",
    NULL,
  });
  /* A parameter and a nested def named like helpers are not the helpers. */
  shadowed = scan_expecting (helper_program, 141, nothing);
  /* The function around the traced one is not a helper of it: its body is the function's. */
  inner_step = scan_expecting (helper_program, 150, (const char *const[]) {
    "mutating-call 151 seen", NULL });

  /* Scanned as the function itself, a helper changing its parameter changes nothing of its
   * own state, and its outer side effects carry no helper. */
  add_to = scan_expecting (helper_program, 39, nothing);
  log_value = scan_expecting (helper_program, 8, (const char *const[]) {
    "print 9 print", "mutating-call 10 seen", NULL });
}

/* ---- trace-time values ------------------------------------------------------------------- */

static const char *const value_program[] = {
  "import random",                                   /*  1 */
  "import time",                                     /*  2 */
  "import datetime",                                 /*  3 */
  "import numpy as np",                              /*  4 */
  "import tensorflow as tf",                         /*  5 */
  "",                                                /*  6 */
  "rng = np.random.default_rng(42)",                 /*  7 */
  "",                                                /*  8 */
  "def jitter():",                                   /*  9 */
  "    return random.uniform(0, 1)",                 /* 10 */
  "",                                                /* 11 */
  "def stamp():",                                    /* 12 */
  "    t = time.time()",                             /* 13 */
  "    return t",                                    /* 14 */
  "",                                                /* 15 */
  "def not_a_source():",                             /* 16 */
  "    random.random()",                             /* 17 */
  "    return 1.0",                                  /* 18 */
  "",                                                /* 19 */
  "@tf.function",                                    /* 20 */
  "def frozen(x):",                                  /* 21 */
  "    noise = np.random.randn(3, 3)",               /* 22 */
  "    scaled = noise * 2.0",                        /* 23 */
  "    out = tf.constant(scaled) + x",               /* 24 */
  "    y = x + jitter()",                            /* 25 */
  "    s = stamp()",                                 /* 26 */
  "    z = rng.normal()",                            /* 27 */
  "    w = x + not_a_source()",                      /* 28 */
  "    when = datetime.datetime.now()",              /* 29 */
  "    noise = tf.zeros(3)",                         /* 30 */
  "    later = noise + 1",                           /* 31 */
  "    for v in [s]:",                               /* 32 */
  "        total = tf.constant(",                    /* 33 */
  "            v)",                                  /* 34 */
  "    return out + y + z + w + later",              /* 35 */
  "",                                                /* 36 */
  "@tf.function",                                    /* 37 */
  "def direct():",                                   /* 38 */
  "    return np.random.randn(3, 3)",                /* 39 */
  "",                                                /* 40 */
  "@tf.function",                                    /* 41 */
  "def nested(x):",                                  /* 42 */
  "    def inner():",                                /* 43 */
  "        return random.random()",                  /* 44 */
  "    return x + inner()",                          /* 45 */
  "",                                                /* 46 */
  "@tf.function",                                    /* 47 */
  "def shadowed(x, random):",                        /* 48 */
  "    time = x",                                    /* 49 */
  "    return random.choice(x) + time.time()",       /* 50 */
  NULL,
};

static void
test_values (void)
{
  g_autoptr(AgvizPythonScan) frozen = NULL, direct = NULL, nested = NULL, shadowed = NULL;
  AgvizPythonScanFinding *finding;

  frozen = scan_expecting (value_program, 21, (const char *const[]) {
    "trace-time-value 22 np.random.randn <- np.random.randn:22 uses 22 23(noise) 24(scaled) 35r(out)",
    "trace-time-value 25 jitter <- random.uniform:10 uses 25 35r(y)",
    "trace-time-value 26 stamp <- time.time:13 uses 26 32(s) 34[33-34](v)",
    "trace-time-value 27 rng.normal <- rng.normal:27 uses 27 35r(z)",
    "trace-time-value 29 datetime.datetime.now <- datetime.datetime.now:29 uses 29",
    NULL,
  });
  finding = g_ptr_array_index (frozen->findings, 0);
  g_assert_cmpint (finding->source, ==, AGVIZ_PYTHON_VALUE_NUMPY_RANDOM);
  g_assert_cmpint (finding->column, ==, 12);
  g_assert_null (finding->helper);
  finding = g_ptr_array_index (frozen->findings, 1);
  g_assert_cmpint (finding->source, ==, AGVIZ_PYTHON_VALUE_PYTHON_RANDOM);
  g_assert_cmpstr (finding->helper, ==, "jitter");
  g_assert_cmpint (((AgvizPythonScanFinding *) g_ptr_array_index (frozen->findings, 2))->source, ==,
                   AGVIZ_PYTHON_VALUE_TIME);
  g_assert_cmpint (((AgvizPythonScanFinding *) g_ptr_array_index (frozen->findings, 3))->source, ==,
                   AGVIZ_PYTHON_VALUE_NUMPY_RANDOM);
  g_assert_cmpint (((AgvizPythonScanFinding *) g_ptr_array_index (frozen->findings, 4))->source, ==,
                   AGVIZ_PYTHON_VALUE_DATETIME);

  direct = scan_expecting (value_program, 38, (const char *const[]) {
    "trace-time-value 39 np.random.randn <- np.random.randn:39 uses 39r", NULL });
  /* A nested def's return is not the function's: only its call hands the value on. */
  nested = scan_expecting (value_program, 42, (const char *const[]) {
    "trace-time-value 44 random.random <- random.random:44 uses 44",
    "trace-time-value 45 inner <- random.random:44 uses 45r",
    NULL,
  });
  /* A parameter called random and a local called time are not the modules. */
  shadowed = scan_expecting (value_program, 48, (const char *const[]) { NULL });
}

static const char *const import_program[] = {
  "import numpy.random as npr",                      /*  1 */
  "from random import uniform as draw, seed",        /*  2 */
  "from time import perf_counter",                   /*  3 */
  "from datetime import datetime",                   /*  4 */
  "from numpy import random",                        /*  5 */
  "from tensorflow import random as tfr",            /*  6 */
  "import tensorflow as tf",                         /*  7 */
  "",                                                /*  8 */
  "@tf.function",                                    /*  9 */
  "def f(x):",                                       /* 10 */
  "    a = npr.normal(size=3)",                      /* 11 */
  "    b = draw(0, 1)",                              /* 12 */
  "    seed(3)",                                     /* 13 */
  "    c = perf_counter()",                          /* 14 */
  "    d = datetime.now()",                          /* 15 */
  "    e = random.randn(2)",                         /* 16 */
  "    f = tfr.normal([2]) + tf.random.uniform([2])",/* 17 */
  "    return x",                                    /* 18 */
  NULL,
};

static void
test_imports (void)
{
  g_autoptr(AgvizPythonScan) scan = scan_expecting (import_program, 10, (const char *const[]) {
    "trace-time-value 11 npr.normal <- npr.normal:11 uses 11",
    "trace-time-value 12 draw <- draw:12 uses 12",
    "trace-time-value 14 perf_counter <- perf_counter:14 uses 14",
    "trace-time-value 15 datetime.now <- datetime.now:15 uses 15",
    "trace-time-value 16 random.randn <- random.randn:16 uses 16",
    NULL,
  });

  g_assert_cmpint (((AgvizPythonScanFinding *) g_ptr_array_index (scan->findings, 4))->source, ==,
                   AGVIZ_PYTHON_VALUE_NUMPY_RANDOM);
}

/* ---- scopes: nested functions, lambdas, global and nonlocal ------------------------------ */

static const char *const scope_program[] = {
  "import tensorflow as tf",                         /*  1 */
  "seen = []",                                       /*  2 */
  "total = 0",                                       /*  3 */
  "",                                                /*  4 */
  "def make():",                                     /*  5 */
  "    count = 0",                                   /*  6 */
  "    @tf.function",                                /*  7 */
  "    def step(x):",                                /*  8 */
  "        nonlocal count",                          /*  9 */
  "        count += 1",                              /* 10 */
  "        return x",                                /* 11 */
  "    return step",                                 /* 12 */
  "",                                                /* 13 */
  "@tf.function",                                    /* 14 */
  "def outer(x):",                                   /* 15 */
  "    acc = []",                                    /* 16 */
  "    hits = 0",                                    /* 17 */
  "    def inner(v, bag):",                          /* 18 */
  "        nonlocal hits",                           /* 19 */
  "        hits += 1",                               /* 20 */
  "        acc.append(v)",                           /* 21 */
  "        bag.append(v)",                           /* 22 */
  "        seen.append(v)",                          /* 23 */
  "        return v",                                /* 24 */
  "    keep = lambda seen: seen.append(x)",          /* 25 */
  "    leak = lambda v: seen.append(v)",             /* 26 */
  "    class Box:",                                  /* 27 */
  "        items = []",                              /* 28 */
  "    Box.items.append(x)",                         /* 29 */
  "    def bump():",                                 /* 30 */
  "        global total",                            /* 31 */
  "        total += 1",                              /* 32 */
  "    return inner(x, [])",                         /* 33 */
  NULL,
};

static void
test_scopes (void)
{
  g_autoptr(AgvizPythonScan) step = NULL, outer = NULL;

  /* nonlocal to a function around the traced one: state outside it. */
  step = scan_expecting (scope_program, 8, (const char *const[]) { "global-store 10 count", NULL });
  assert_names (step->declared, "count");
  assert_names (step->locals, "x");
  outer = scan_expecting (scope_program, 15, (const char *const[]) {
    "mutating-call 23 seen",
    "mutating-call 26 seen",
    "global-store 32 total",
    NULL,
  });
  assert_names (outer->locals, "Box acc bump hits inner keep leak x");
}

/* ---- tokens ------------------------------------------------------------------------------ */

static const char *const token_program[] = {
  "import tensorflow as tf",                                           /*  1 */
  "seen = []",                                                         /*  2 */
  "",                                                                  /*  3 */
  "@tf.function(",                                                     /*  4 */
  "    input_signature=[tf.TensorSpec([None], tf.float32)])",          /*  5 */
  "def f(x: tf.Tensor = None, *args, flag: bool = True, **kw) -> tf.Tensor:", /*  6 */
  "    \"\"\"Docstring: print(x) and seen.append(x)",                  /*  7 */
  "    def fake():",                                                   /*  8 */
  "        seen.append(1)\"\"\"",                                      /*  9 */
  "    s = \"#\"; seen.append(x)",                                     /* 10 */
  "    r = rb'\\'print(x)'; b = Rb\"seen.append(x)\"",                 /* 11 */
  "    q = f\"{x!r:>{len('}')}} {\"print(y)\"}\"; seen.add(q)",        /* 12 */
  "    t = f'''{x}",                                                   /* 13 */
  "    print(t) {x + 1}'''",                                           /* 14 */
  "    seen.append(",                                                  /* 15 */
  "        x)",                                                        /* 16 */
  "    y = x + \\",                                                    /* 17 */
  "        1; print(y)",                                               /* 18 */
  "    if x is None: seen.append(y)",                                  /* 19 */
  "    u = {'a': 1, 'b': [2,",                                         /* 20 */
  "         3]}  # print(u)",                                          /* 21 */
  "    return x",                                                      /* 22 */
  "",                                                                  /* 23 */
  "def one(x): seen.append(x); return x",                              /* 24 */
  "",                                                                  /* 25 */
  "def tabs(x):",                                                      /* 26 */
  "\tseen.append(x)",                                                  /* 27 */
  "\tif x:",                                                           /* 28 */
  "\t\tprint(x)",                                                      /* 29 */
  "print('after the body')",                                           /* 30 */
  NULL,
};

static void
test_tokens (void)
{
  g_autoptr(AgvizPythonScan) by_decorator = NULL, by_def = NULL, one = NULL, tabs = NULL;
  static const char *const in_f[] = {
    "mutating-call 10 seen",
    "mutating-call 12 seen",
    "mutating-call 15 seen",
    "print 18 print",
    "mutating-call 19 seen",
    NULL,
  };

  /* The recorded line may be any line of the decorators or of the def header. */
  by_decorator = scan_expecting (token_program, 4, in_f);
  by_def = scan_expecting (token_program, 6, in_f);
  assert_names (by_def->parameters, "x args flag kw");
  g_assert_cmpint (by_def->definition.first_line, ==, 4);
  g_assert_cmpint (by_def->definition.body_last_line, ==, 22);
  g_assert_cmpint (((AgvizPythonScanFinding *) g_ptr_array_index (by_def->findings, 0))->column, ==, 13);
  one = scan_expecting (token_program, 24, (const char *const[]) { "mutating-call 24 seen", NULL });
  g_assert_cmpint (one->definition.body_first_line, ==, 24);
  tabs = scan_expecting (token_program, 26, (const char *const[]) {
    "mutating-call 27 seen", "print 29 print", NULL });
  g_assert_cmpint (tabs->definition.body_last_line, ==, 29);

  /* Both ways of nesting strings in an f-string: other quotes (every Python 3), the same
   * quotes (3.12 and later). */
  {
    static const char *const fstrings[] = {
      "def g(x):",                                                       /* 1 */
      "    a = f'{x!r:>{len(\"}\")}} {\"print(y)\"}'; seen.append(a)", /* 2 */
      "    b = f\"{x!r:>{len('}')}} {\"print(y)\"}\"; seen.append(b)", /* 3 */
      "    return a",                                                    /* 4 */
      NULL,
    };
    g_autoptr(AgvizPythonScan) scan = scan_expecting (fstrings, 1, (const char *const[]) {
      "mutating-call 2 seen", "mutating-call 3 seen", NULL });
  }

  /* A line inside a body, or outside any function, names no function. */
  {
    g_autofree char *text = join_lines (token_program);
    g_assert_null (agviz_python_scan_new (text, -1, 10));
    g_assert_null (agviz_python_scan_new (text, -1, 30));
    g_assert_null (agviz_python_scan_new (text, -1, 0));
  }
}

static void
test_definitions (void)
{
  static const char *const program[] = {
    "class A:",                                      /* 1 */
    "    @staticmethod",                             /* 2 */
    "    def step(x):",                              /* 3 */
    "        return x",                              /* 4 */
    "",                                              /* 5 */
    "async def step(y): return y",                   /* 6 */
    "s = 'def step(z):'",                            /* 7 */
    "def other(): pass",                             /* 8 */
    NULL,
  };
  g_autofree char *text = join_lines (program);
  g_autoptr(GPtrArray) steps = agviz_python_scan_list_definitions (text, -1, "A.step");
  g_autoptr(GPtrArray) all = agviz_python_scan_list_definitions (text, -1, NULL);
  g_autoptr(GPtrArray) none = agviz_python_scan_list_definitions (text, -1, "missing");
  AgvizPythonDefinition *definition;

  g_assert_cmpuint (steps->len, ==, 2);
  definition = g_ptr_array_index (steps, 0);
  g_assert_cmpint (definition->first_line, ==, 2);
  g_assert_cmpint (definition->def_line, ==, 3);
  g_assert_cmpint (definition->body_first_line, ==, 4);
  g_assert_cmpint (definition->body_last_line, ==, 4);
  definition = g_ptr_array_index (steps, 1);
  g_assert_cmpint (definition->def_line, ==, 6);
  g_assert_cmpint (definition->body_first_line, ==, 6);
  g_assert_cmpuint (all->len, ==, 3);
  g_assert_cmpstr (((AgvizPythonDefinition *) g_ptr_array_index (all, 2))->name, ==, "other");
  g_assert_cmpuint (none->len, ==, 0);
}

/* Broken and hostile text: results stay sane and nothing crashes. */
static void
test_hostile_input (void)
{
  static const char *const unterminated[] = {
    "def f(x):",                                     /* 1 */
    "    s = 'never closed",                         /* 2 */
    "    seen.append(x)",                            /* 3 */
    "    t = f'{x",                                  /* 4 */
    "    print(x)",                                  /* 5 */
    NULL,
  };
  g_autoptr(AgvizPythonScan) scan = NULL;
  g_autoptr(GString) deep = g_string_new ("def f(x):\n    ");
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  static const char alphabet[] = "def (x):\n\t 'seen.append\"#\\[]{}=,;f print lambda as for in";

  /* A one-line string ends with its line, as Python's tokenizer gives up there. */
  scan = scan_expecting (unterminated, 1, (const char *const[]) {
    "mutating-call 3 seen", "print 5 print", NULL });

  for (guint i = 0; i < 20000; i++)
    g_string_append (deep, "([{");
  g_string_append (deep, " = f'{'{'{'\n");
  g_assert_null (agviz_python_scan_new (deep->str, deep->len, 5));
  g_clear_pointer (&scan, agviz_python_scan_free);
  scan = agviz_python_scan_new (deep->str, deep->len, 1);
  g_assert_nonnull (scan);

  for (guint round = 0; round < 300; round++)
    {
      g_autoptr(GString) text = g_string_new ("def f(x):\n");
      g_autoptr(GPtrArray) definitions = NULL;

      for (guint i = 0; i < 200; i++)
        g_string_append_c (text, alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)]);
      definitions = agviz_python_scan_list_definitions (text->str, text->len, NULL);
      for (guint d = 0; d < definitions->len; d++)
        {
          AgvizPythonDefinition *definition = g_ptr_array_index (definitions, d);
          g_autoptr(AgvizPythonScan) random_scan = agviz_python_scan_new (text->str, text->len,
                                                                          definition->def_line);
          g_assert_nonnull (random_scan);
          g_assert_cmpint (random_scan->definition.body_last_line, >=, definition->def_line);
        }
    }
  /* Embedded NUL bytes are just bytes when the length is given. */
  {
    static const char with_nul[] = "def f(x):\n    a = '\0'\n    seen.append(x)\n";
    g_autoptr(AgvizPythonScan) nul_scan = agviz_python_scan_new (with_nul, sizeof with_nul - 1, 1);
    g_assert_cmpuint (nul_scan->findings->len, ==, 1);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/agviz/python-scan/side-effects", test_side_effects);
  g_test_add_func ("/agviz/python-scan/false-alarms", test_false_alarms);
  g_test_add_func ("/agviz/python-scan/helper-side-effects", test_helper_side_effects);
  g_test_add_func ("/agviz/python-scan/values", test_values);
  g_test_add_func ("/agviz/python-scan/imports", test_imports);
  g_test_add_func ("/agviz/python-scan/scopes", test_scopes);
  g_test_add_func ("/agviz/python-scan/tokens", test_tokens);
  g_test_add_func ("/agviz/python-scan/definitions", test_definitions);
  g_test_add_func ("/agviz/python-scan/hostile-input", test_hostile_input);
  return g_test_run ();
}
