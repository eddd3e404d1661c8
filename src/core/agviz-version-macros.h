/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agviz-version-macros.h: what libagviz-1 exports
 *
 * The core is compiled with its symbols hidden, so the shared library's ABI is exactly the
 * declarations marked AGVIZ_AVAILABLE_IN_ALL; everything else stays inside agviz's own programs,
 * which link the core statically.
 */
#pragma once

#if defined(__GNUC__) || defined(__clang__)
# define AGVIZ_AVAILABLE_IN_ALL __attribute__ ((visibility ("default"))) extern
#else
# define AGVIZ_AVAILABLE_IN_ALL extern
#endif
