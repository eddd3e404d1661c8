/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz.h: the public API of libagviz-1, recording and reading agviz trace files
 *
 * Programs outside agviz include this one header (`pkg-config --cflags agviz-1`).  agviz's own
 * front ends include agviz-core.h, which adds the internal modules.
 */
#pragma once

#include "agviz-version-macros.h"
#include "agviz-records.h"
#include "agviz-recorder.h"
#include "agviz-store.h"
#include "agviz-trace-file.h"
