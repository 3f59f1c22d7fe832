// SPDX-License-Identifier: GPL-2.0
/*
 * The man pages and the bash completion against the binaries: every option a
 * usage text names is in the man page and offered by the completion, the
 * pages render without a warning, and `make install` puts each file where
 * man(1) and bash-completion look.  Needs the source tree (build/man,
 * build/completions), so these skip in the VM guests.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "harness.h"
#include "ns.h"
#include "version.h"

#define PAGE_SIZE_MAX (256 * 1024)

static const char *const commands[] = {
	"run", "exec", "ps", "logs", "rm", "stats", "freeze", "thaw", "kill", "counters", "module",
	"spec", "state", "features", "create", "start", "delete", "list", "pause", "resume", "update", "check",
};

static void need_tool(const char *tool)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null", tool);
	if (host_sh(cmd, NULL, 0) != 0)
		cr_skip_test("%s is not installed (make deps)", tool);
}

/* TOP/build/@leaf of the source tree, or a skip if it is not built. */
static void built(char path[PATH_MAX], const char *leaf)
{
	char top[PATH_MAX];

	source_tree(top);
	snprintf(path, PATH_MAX, "%s/build/%s", top, leaf);
	if (access(path, R_OK))
		cr_skip_test("%s is not built (make man)", path);
}

/* The page as man(1) shows it, on lines too long to be hyphenated (malloc'd). */
static char *rendered(const char *page)
{
	char cmd[PATH_MAX + 64], *text = malloc(PAGE_SIZE_MAX);

	cr_assert_not_null(text);
	snprintf(cmd, sizeof(cmd), "MANWIDTH=1000 man -l '%s' 2>/dev/null", page);
	cr_assert_eq(host_sh(cmd, text, PAGE_SIZE_MAX), 0, "%s", cmd);
	cr_assert_gt(strlen(text), 1000, "%s rendered to almost nothing", page);
	return text;
}

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_';
}

/* Whether @word occurs in @text on its own: --memory is not found in --memory-swap. */
static bool has_word(const char *text, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = strstr(text, word); p; p = strstr(p + 1, word))
		if ((p == text || !word_char(p[-1])) && !word_char(p[len]))
			return true;
	return false;
}

/*
 * Appends to @missing each option (-x, --xyz) that @usage names and @text
 * lacks; returns how many.  An option starts a word: p50-base is none.
 */
static int missing_options(const char *usage, const char *text, char *missing, size_t size)
{
	int n = 0;

	for (const char *p = usage; (p = strchr(p, '-')); ) {
		const char *start = p;
		char opt[64];
		size_t len = 0;

		if (p > usage && !strchr(" \t\n[,|(", p[-1])) {
			p++;
			continue;
		}
		while (word_char(*p) && len < sizeof(opt) - 1)
			opt[len++] = *p++;
		opt[len] = '\0';
		if (!isalpha((unsigned char)opt[start[1] == '-' ? 2 : 1]))
			continue;
		if (!has_word(text, opt)) {
			snprintf(missing + strlen(missing), size - strlen(missing), " %s", opt);
			n++;
		}
	}
	return n;
}

/* `nslab CMD --help` (nslab --help for NULL) into @r, which must succeed. */
static void help_of(struct run_result *r, const char *cmd)
{
	if (cmd)
		NSLAB(r, cmd, "--help");
	else
		NSLAB(r, "--help");
	cr_assert_eq(r->code, 0, "nslab %s --help: %d %s", cmd ? cmd : "", r->code, r->err);
}

TestSuite(man, .timeout = 120);

Test(man, M1_pages_render_without_warnings)
{
	static const char *const pages[] = { "man/nslab.1", "man/nsbench.1" };
	char page[PATH_MAX], cmd[PATH_MAX + 128], out[4096];

	need_tool("man");
	for (size_t i = 0; i < N_ELEMENTS(pages); i++) {
		built(page, pages[i]);
		snprintf(cmd, sizeof(cmd), "MANWIDTH=80 man --warnings -l '%s' 2>&1 >/dev/null", page);
		host_sh(cmd, out, sizeof(out));
		cr_expect_str_eq(out, "", "%s warns:\n%s", page, out);
	}
	/* Control: a page with an undefined macro is warned about on this host. */
	snprintf(page, sizeof(page), "/tmp/nslab-man-test-%d.1", getpid());
	FILE *f = fopen(page, "w");
	cr_assert_not_null(f);
	fputs(".TH X 1\n.SH NAME\nx \\- y\n.NSLABBOGUS\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "MANWIDTH=80 man --warnings -l '%s' 2>&1 >/dev/null", page);
	host_sh(cmd, out, sizeof(out));
	unlink(page);
	cr_assert_not_null(strstr(out, "NSLABBOGUS"), "a bad page gave no warning: '%s'", out);
}

Test(man, M2_every_option_and_command_of_nslab_is_documented)
{
	struct run_result *r = malloc(sizeof(*r));
	char page[PATH_MAX], missing[1024] = "";
	char *text;
	int n = 0;

	need_tool("man");
	built(page, "man/nslab.1");
	text = rendered(page);
	cr_assert_not_null(r);
	help_of(r, NULL);
	n += missing_options(r->out, text, missing, sizeof(missing));
	for (size_t i = 0; i < N_ELEMENTS(commands); i++) {
		cr_expect(has_word(r->out, commands[i]), "nslab --help lacks %s", commands[i]);
		cr_expect(has_word(text, commands[i]), "the man page lacks the command %s", commands[i]);
	}
	for (size_t i = 0; i < N_ELEMENTS(commands); i++) {
		help_of(r, commands[i]);
		n += missing_options(r->out, text, missing, sizeof(missing));
	}
	cr_expect_eq(n, 0, "options missing from %s:%s", page, missing);
	/* Control: an option that no page has is reported. */
	missing[0] = '\0';
	cr_assert_eq(missing_options("  --no-such-option N  [-Q]", text, missing, sizeof(missing)), 2);
	cr_assert_str_eq(missing, " --no-such-option -Q");
	free(text);
	free(r);
}

Test(man, M3_every_option_of_nsbench_is_documented)
{
	char page[PATH_MAX], cmd[PATH_MAX + 16], missing[1024] = "", *usage = malloc(16384);
	const char *bin = nsbench_bin();
	char *text;

	need_tool("man");
	built(page, "man/nsbench.1");
	text = rendered(page);
	cr_assert_not_null(usage);
	snprintf(cmd, sizeof(cmd), "%s --help", bin);
	cr_assert_eq(host_sh(cmd, usage, 16384), 0, "%s", cmd);
	cr_expect_eq(missing_options(usage, text, missing, sizeof(missing)), 0,
		     "options missing from %s:%s", page, missing);
	cr_assert(has_word(usage, "--version"), "nsbench --help does not name --version");
	free(usage);
	free(text);
}

Test(man, M4_nsbench_and_nslab_print_one_version)
{
	char cmd[PATH_MAX + 16], out[128], want[64];
	struct run_result *r = malloc(sizeof(*r));

	cr_assert_not_null(r);
	NSLAB(r, "--version");
	snprintf(want, sizeof(want), "nslab version %s\n", NSLAB_VERSION);
	cr_expect_str_eq(r->out, want);
	snprintf(cmd, sizeof(cmd), "%s --version", nsbench_bin());
	cr_assert_eq(host_sh(cmd, out, sizeof(out)), 0, "%s", cmd);
	snprintf(want, sizeof(want), "nsbench version %s\n", NSLAB_VERSION);
	cr_assert_str_eq(out, want);
	free(r);
}

/*
 * What the completion offers for COMP_WORDS=(nslab @words) with the cursor
 * on word @cword, one a line, into @out; the binary is the one under test.
 */
static void complete(const char *words, int cword, char *out, size_t size)
{
	char script[PATH_MAX], cmd[2 * PATH_MAX + 512];

	need_tool("bash");
	built(script, "completions/nslab.bash");
	snprintf(cmd, sizeof(cmd),
		 "bash -c 'source %s; COMP_WORDS=(%s %s); COMP_CWORD=%d; _nslab; "
		 "printf \"%%s\\n\" \"${COMPREPLY[@]}\"' 2>&1", script, nslab_bin(), words, cword);
	cr_assert_eq(host_sh(cmd, out, size), 0, "%s: %s", cmd, out);
}

/* Whether the completion's output @out has the line @word. */
static bool offers(const char *out, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = strstr(out, word); p; p = strstr(p + 1, word))
		if ((p == out || p[-1] == '\n') && p[len] == '\n')
			return true;
	return false;
}

TestSuite(completion, .timeout = 120);

Test(completion, C1_commands_and_the_options_of_run_and_exec)
{
	static const char *const runc_forms[] = { "ps", "list", "update" };
	struct run_result *r = malloc(sizeof(*r));
	char out[8192], missing[1024] = "";

	cr_assert_not_null(r);
	complete("\"\"", 1, out, sizeof(out));
	for (size_t i = 0; i < N_ELEMENTS(commands); i++)
		cr_expect(offers(out, commands[i]), "no %s in:\n%s", commands[i], out);
	complete("run --ca", 2, out, sizeof(out));
	cr_expect(offers(out, "--cap-add") && offers(out, "--cap-drop"), "%s", out);
	/* Control: what does not start so is not offered. */
	cr_expect(!offers(out, "--name") && !offers(out, "--ns"), "%s", out);
	/* Every option run's and exec's usage names is offered. */
	help_of(r, "run");
	complete("run -", 2, out, sizeof(out));
	cr_expect_eq(missing_options(r->out, out, missing, sizeof(missing)), 0,
		     "run options not completed:%s", missing);
	help_of(r, "exec");
	complete("exec -", 2, out, sizeof(out));
	cr_expect_eq(missing_options(r->out, out, missing, sizeof(missing)), 0,
		     "exec options not completed:%s", missing);
	/* And those of runc's forms: ps and list's, update's. */
	for (size_t i = 0; i < N_ELEMENTS(runc_forms); i++) {
		char words[32];

		help_of(r, runc_forms[i]);
		snprintf(words, sizeof(words), "%s -", runc_forms[i]);
		complete(words, 2, out, sizeof(out));
		cr_expect_eq(missing_options(r->out, out, missing, sizeof(missing)), 0,
			     "%s options not completed:%s", runc_forms[i], missing);
	}
	/* runc's global options come first; the command after them completes as without. */
	complete("--root /tmp --debug cre", 4, out, sizeof(out));
	cr_expect(offers(out, "create"), "after global options: %s", out);
	complete("--log-format j", 2, out, sizeof(out));
	cr_expect(offers(out, "json") && !offers(out, "create"), "--log-format's value: %s", out);
	/* After the command, the words are the container's: nslab offers none. */
	complete("run -d sh -", 4, out, sizeof(out));
	cr_expect_str_eq(out, "\n", "after CMD: %s", out);
	free(r);
}

Test(completion, C2_namespace_types_capabilities_signals_files)
{
	char out[8192], want[64];

	complete("run --ns uts,", 3, out, sizeof(out));
	for (int t = 0; t < NSLAB_NS_COUNT; t++) {
		snprintf(want, sizeof(want), "uts,%s", nslab_ns_types[t].name);
		cr_expect(offers(out, want), "--ns: no %s in:\n%s", want, out);
	}
	/* --join takes every type, as --ns does. */
	complete("run --join \"\"", 3, out, sizeof(out));
	for (int t = 0; t < NSLAB_NS_COUNT; t++) {
		snprintf(want, sizeof(want), "%s=", nslab_ns_types[t].name);
		cr_expect(offers(out, want), "--join: no %s in:\n%s", want, out);
	}
	/* bash splits net=/pro at the "="; only what follows it is replaced. */
	complete("run --persist net = /pro", 5, out, sizeof(out));
	cr_expect(offers(out, "/proc"), "--persist net=/pro: %s", out);
	complete("run --cap-add \"\"", 3, out, sizeof(out));
	for (int c = 0; c < 64 && strcmp(nslab_cap_name(c), "?"); c++)
		cr_expect(offers(out, nslab_cap_name(c)), "--cap-add: no %s", nslab_cap_name(c));
	cr_expect(offers(out, "ALL"), "%s", out);
	complete("run --cap-drop net_a", 3, out, sizeof(out));
	cr_expect_str_eq(out, "NET_ADMIN\n");
	complete("kill box \"\"", 3, out, sizeof(out));
	cr_expect(offers(out, "KILL") && offers(out, "TERM") && offers(out, "HUP"), "%s", out);
	complete("run --rootfs /pro", 3, out, sizeof(out));
	cr_expect_str_eq(out, "/proc\n");
	complete("run --seccomp un", 3, out, sizeof(out));
	cr_expect(offers(out, "unconfined"), "%s", out);
}

Test(completion, C3_container_names_from_ps)
{
	char name[32], out[8192];
	struct run_result *r = malloc(sizeof(*r));

	require_root();
	cr_assert_not_null(r);
	snprintf(name, sizeof(name), "compl-%d", getpid());
	/* Control: before it exists, the name is not offered. */
	complete("exec \"\"", 2, out, sizeof(out));
	cr_assert(!offers(out, name), "%s", out);
	NSLAB(r, "run", "-d", "--name", name, "--", "sleep", "60");
	cr_assert_eq(r->code, 0, "run -d: %s", r->err);
	complete("exec \"\"", 2, out, sizeof(out));
	cr_expect(offers(out, name), "exec: %s", out);
	complete("kill compl-", 2, out, sizeof(out));
	cr_expect(offers(out, name), "kill: %s", out);
	/* A running container is not one to thaw. */
	complete("thaw \"\"", 2, out, sizeof(out));
	cr_expect(!offers(out, name), "thaw: %s", out);
	NSLAB(r, "rm", "-f", name);
	cr_expect_eq(r->code, 0, "rm -f: %s", r->err);
	free(r);
}

/* Whether @path exists below @root. */
static bool installed(const char *root, const char *path)
{
	char full[PATH_MAX];

	snprintf(full, sizeof(full), "%s%s", root, path);
	return access(full, R_OK) == 0;
}

TestSuite(install, .timeout = 120);

Test(install, I1_make_install_puts_each_file_in_place)
{
	static const char *const files[] = {
		"/usr/bin/nslab", "/usr/bin/nsbench", "/usr/libexec/nslab/nslab-kmod",
		"/usr/share/man/man1/nslab.1",
		"/usr/share/man/man1/nsbench.1", "/usr/share/bash-completion/completions/nslab",
	};
	char top[PATH_MAX], bin[PATH_MAX], page[PATH_MAX], dest[64], cmd[3 * PATH_MAX], out[4096];

	need_tool("make");
	source_tree(top);
	built(page, "man/nslab.1");
	cr_assert_not_null(realpath(nslab_bin(), bin));
	*strrchr(bin, '/') = '\0';
	snprintf(dest, sizeof(dest), "/tmp/nslab-install-test-%d", getpid());
	/* The variant under test, as built: -o all remakes nothing of it. */
	snprintf(cmd, sizeof(cmd),
		 "env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s -C '%s' -o all O='%s' "
		 "DESTDIR=%s PREFIX=/usr install 2>&1", top, bin + strlen(top) + 1, dest);
	cr_assert_eq(host_sh(cmd, out, sizeof(out)), 0, "%s: %s", cmd, out);
	for (size_t i = 0; i < N_ELEMENTS(files); i++)
		cr_expect(installed(dest, files[i]), "%s%s is missing", dest, files[i]);
	/* Control: the check sees a file that is not there. */
	cr_expect(!installed(dest, "/usr/share/man/man1/nslab-none.1"));
	snprintf(cmd, sizeof(cmd), "%s/usr/bin/nsbench --version", dest);
	host_sh(cmd, out, sizeof(out));
	cr_expect_not_null(strstr(out, NSLAB_VERSION), "%s: %s", cmd, out);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dest);
	host_sh(cmd, NULL, 0);
}
