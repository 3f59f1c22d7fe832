/* SPDX-License-Identifier: GPL-2.0 */
/* The release, shared by nslab, nsbench and the man pages (the Makefile reads it). */
#ifndef NSLAB_VERSION_H
#define NSLAB_VERSION_H

/* Raised with each release that changes the CLI or the run-time state's format. */
#define NSLAB_VERSION "0.3.0"
/* The runtime-spec version of the documents nslab writes (spec, features, list). */
#define NSLAB_OCI_VERSION "1.2.0"

#endif
