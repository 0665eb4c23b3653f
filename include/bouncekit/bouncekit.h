/* SPDX-License-Identifier: MIT */
/* bouncekit - bounce message (NDR/DSN) analysis. The only header to include. */
#pragma once

#define BK_INSIDE
#include <bouncekit/bk-version.h>
#include <bouncekit/bk-export.h>
#include <bouncekit/bk-types.h>
#include <bouncekit/bk-error.h>
#include <bouncekit/bk-ruleset.h>
#include <bouncekit/bk-report.h>
#include <bouncekit/bk-analyzer.h>
#include <bouncekit/bk-reader.h>
#include <bouncekit/bk-history.h>
#undef BK_INSIDE
