/* SPDX-License-Identifier: GPL-2.0 */
/* The host's own run of nslab-probe: the same question asked outside any container. */
#ifndef NSLAB_TEST_HOSTPROBE_H
#define NSLAB_TEST_HOSTPROBE_H

struct run_result;

/*
 * Runs the default rootfs's nslab-probe (a static binary) on the host with
 * @args (shell words), output in @r; asserts that it ran.
 */
void host_probe(struct run_result *r, const char *args);

#endif
