/* SPDX-License-Identifier: GPL-2.0 */
/* The usual shape of a conformance check: the same command with and without a namespace. */
#ifndef NSLAB_TEST_CONTROL_H
#define NSLAB_TEST_CONTROL_H

/*
 * Runs CMD in a container with every namespace, then, as the negative
 * control, in one made with `--ns @control_ns`; asserts that both runs
 * succeed and print exactly @inside and @control.
 */
void assert_with_control(const char *control_ns, const char *const cmd[], const char *inside,
			 const char *control);
#define CHECK_WITH_CONTROL(control_ns, inside, control, ...) \
	assert_with_control((control_ns), (const char *const[]){ __VA_ARGS__, NULL }, (inside), (control))

/* Appends the NULL-terminated @more to @argv, which holds @n entries; returns the new count. */
int argv_append(const char **argv, int n, int max, const char *const more[]);

#endif
