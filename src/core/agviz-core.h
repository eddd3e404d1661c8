/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-core.h: everything front ends need from the core library */
#pragma once

#include "agviz-records.h"
#include "agviz-recorder.h"
#include "agviz-store.h"
#include "agviz-trace-file.h"
#include "agviz-json-reader.h"
#include "agviz-json-writer.h"
#include "agviz-source-map.h"
#include "agviz-error-text.h"
#include "agviz-error-cause.h"
#include "agviz-python-scan.h"
#include "agviz-diagnostic.h"
#include "agviz-checker.h"
#include "agviz-scene.h"
#include "agviz-search.h"
#include "agviz-text.h"
#include "agviz-module-path.h"
