/* SPDX-License-Identifier: GPL-2.0 */
/* --init: the container's PID 1. */
#ifndef NSLAB_PID_H
#define NSLAB_PID_H

/*
 * Becomes a minimal PID 1: runs @argv as a child, forwards every catchable
 * signal to it, reaps all orphans, and returns the child's exit code.
 */
int nslab_init_run(char *const *argv, char *const *env, const char *hostname, int report_fd);

#endif
