// SPDX-License-Identifier: GPL-2.0
/* --seccomp: reading a profile file, and the one builder every profile goes through. */
#include "filter.h"
#include "seccomp_cache.h"
#include "seccomp_default.h"
#include "seccomp_json.h"
#include "seccomp_stub.h"
#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

/* A profile larger than this is not one a person wrote (Docker's is 20 KiB). */
#define PROFILE_MAX (1 << 20)

/* @path's whole text, NUL-terminated, in a malloc'd *@text. */
static int read_text(const char *path, char **text, struct nslab_error *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n = 0;
	int err = 0;

	if (fd < 0)
		return nslab_fail_as(e, NSLAB_ERR_INPUT, errno, "--seccomp", "%s: %s", path, strerror(errno));
	*text = NULL;
	if (fstat(fd, &st) == 0 && st.st_size > PROFILE_MAX)
		err = E2BIG;
	else if (!(*text = malloc(PROFILE_MAX + 1)))
		err = ENOMEM;
	else if ((n = nslab_read_all(fd, *text, PROFILE_MAX + 1)) < 0)
		err = -n;	/* a directory opens, then fails to read: not an empty profile */
	else if (n > PROFILE_MAX)
		err = E2BIG;
	close(fd);
	if (err) {
		free(*text);
		return nslab_fail_as(e, NSLAB_ERR_INPUT, err, "--seccomp", "%s: %s", path, strerror(err));
	}
	(*text)[n] = '\0';
	return 0;
}

/* One line: "deny NAME", "allow NAME", blank or a comment; @name is set for a deny. */
static int read_line(char *line, const char *file, int lineno, char **name,
		     struct nslab_error *e)
{
	char *save, *action, *word;

	*name = NULL;
	line[strcspn(line, "#")] = '\0';
	action = strtok_r(line, " \t\r", &save);
	if (!action)
		return 0;
	word = strtok_r(NULL, " \t\r", &save);
	if (!word || strtok_r(NULL, " \t\r", &save) ||
	    (strcmp(action, "deny") != 0 && strcmp(action, "allow") != 0))
		return nslab_bad_input(e, "--seccomp", "%s:%d: expected 'deny NAME' or 'allow NAME'",
				       file, lineno);
	if (seccomp_syscall_resolve_name(word) == __NR_SCMP_ERROR)
		return nslab_bad_input(e, "--seccomp", "%s:%d: unknown system call '%s'", file,
				       lineno, word);
	if (strcmp(action, "deny") == 0)
		*name = word;
	return 0;
}

/* The line format: everything allowed but the calls denied, EPERM for those. */
static int read_lines(char *text, const char *file, struct nslab_sc_profile *p,
		      struct nslab_error *e)
{
	/* "deny x" is 6 characters: there are fewer rules than half the text's length. */
	struct nslab_sc_rule *rules = calloc(strlen(text) / 2 + 1, sizeof(*rules));
	int lineno = 0, ret = 0;

	if (!rules)
		return nslab_fail(e, ENOMEM, "--seccomp", NULL);
	*p = (struct nslab_sc_profile){ .default_action = SCMP_ACT_ALLOW, .rules = rules,
					.storage = text };
	for (char *next = text; !ret && next; lineno++) {
		char *name, *line = next;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		ret = read_line(line, file, lineno + 1, &name, e);
		if (!ret && name)
			rules[p->n_rules++] = (struct nslab_sc_rule){ .names = name,
								      .action = SCMP_ACT_ERRNO(EPERM) };
	}
	if (ret)
		nslab_sc_profile_free(p);
	return ret;
}

void nslab_sc_profile_free(struct nslab_sc_profile *p)
{
	if (!p->storage)
		return;
	free((void *)p->rules);
	free(p->storage);
	*p = (struct nslab_sc_profile){ 0 };
}

static int read_profile(struct nslab_seccomp *sc, struct nslab_error *e)
{
	_cleanup_free_ struct nslab_sc_profile *p = calloc(1, sizeof(*p));
	char *text = NULL;
	int ret;

	if (!p)
		return nslab_fail(e, ENOMEM, "--seccomp", NULL);
	ret = read_text(sc->file, &text, e);
	if (!ret)
		sc->text_hash = nslab_sc_hash(NSLAB_SC_HASH_SEED, text, strlen(text));
	if (!ret && text[strspn(text, " \t\r\n")] == '{') {
		ret = nslab_sc_parse_json(text, sc->file, p, e);
		free(text);
	} else if (!ret) {
		ret = read_lines(text, sc->file, p, e);
	}
	if (ret)
		return ret;
	sc->profile = steal_ptr(&p);
	return 0;
}

int nslab_seccomp_parse(const char *arg, struct nslab_seccomp *sc, struct nslab_error *e)
{
	if (!*arg)
		return nslab_bad_input(e, "--seccomp", "unconfined or a file");
	nslab_seccomp_release(sc);
	if (strcmp(arg, "unconfined") == 0) {
		sc->mode = NSLAB_SECCOMP_UNCONFINED;
		return 0;
	}
	sc->mode = NSLAB_SECCOMP_FILE;
	/* A missing file keeps its name, for the error that reading it will give. */
	if (!realpath(arg, sc->file))
		snprintf(sc->file, sizeof(sc->file), "%s", arg);
	return 0;
}

const char *nslab_seccomp_name(const struct nslab_seccomp *sc)
{
	return sc->mode == NSLAB_SECCOMP_UNCONFINED ? "unconfined" :
	       sc->mode == NSLAB_SECCOMP_FILE ? sc->file : "default";
}

void nslab_seccomp_from_name(const char *name, struct nslab_seccomp *sc)
{
	*sc = (struct nslab_seccomp){ .mode = NSLAB_SECCOMP_FILE };
	if (strcmp(name, "unconfined") == 0)
		sc->mode = NSLAB_SECCOMP_UNCONFINED;
	else if (strcmp(name, "default") == 0)
		sc->mode = NSLAB_SECCOMP_DEFAULT;
	else
		snprintf(sc->file, sizeof(sc->file), "%s", name);
}

void nslab_seccomp_release(struct nslab_seccomp *sc)
{
	free(sc->prog.insn);
	sc->prog = (struct nslab_sc_program){ 0 };
	if (!sc->profile)
		return;
	nslab_sc_profile_free(sc->profile);
	free(sc->profile);
	sc->profile = NULL;
}

bool nslab_sc_rule_applies(const struct nslab_sc_rule *rule, uint64_t caps, unsigned kernel)
{
	const struct nslab_sc_cond *in = &rule->includes, *ex = &rule->excludes;

	caps &= ~(1ULL << NSLAB_SC_CAP_UNKNOWN);
	if ((ex->arches & NSLAB_SC_ARCH_NATIVE) || (ex->caps & caps) ||
	    (ex->min_kernel && kernel >= ex->min_kernel))
		return false;
	if (in->arches && !(in->arches & NSLAB_SC_ARCH_NATIVE))
		return false;
	return (in->caps & caps) == in->caps && (!in->min_kernel || kernel >= in->min_kernel);
}

unsigned nslab_sc_kernel(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	if (uname(&u) == 0 && sscanf(u.release, "%u.%u", &major, &minor) < 1)
		major = 0;
	return major << 16 | minor;
}

/*
 * @rule for one call, as runc adds it: its comparisons together when each
 * names another argument, else each comparison a rule of its own.
 */
static int add_rule(scmp_filter_ctx ctx, const struct nslab_sc_rule *rule, int nr)
{
	struct scmp_arg_cmp cmp[NSLAB_SC_MAX_ARGS];
	unsigned seen = 0;
	bool together = true;
	int ret = 0;

	for (unsigned i = 0; i < rule->n_args; i++) {
		const struct nslab_sc_arg *a = &rule->args[i];

		cmp[i] = (struct scmp_arg_cmp){ a->index, a->op, a->value, a->value_two };
		together = together && !(seen & 1u << a->index);
		seen |= 1u << a->index;
	}
	if (together)
		return seccomp_rule_add_array(ctx, rule->action, nr, rule->n_args, cmp);
	for (unsigned i = 0; i < rule->n_args && ret >= 0; i++)
		ret = seccomp_rule_add_array(ctx, rule->action, nr, 1, &cmp[i]);
	return ret;
}

static const uint32_t arch_of[3] = { SCMP_ARCH_X86_64, SCMP_ARCH_X32, SCMP_ARCH_X86 };

/* Each call @rule names: added to @ctx, and counted in the highest number per architecture. */
static int add_names(scmp_filter_ctx ctx, const struct nslab_sc_rule *rule, uint32_t dflt,
		     uint32_t max_nr[3], struct nslab_error *e)
{
	const char *s = rule->names;
	char name[64];
	int len, nr;

	while (sscanf(s, " %63s%n", name, &len) == 1) {
		s += len;
		nr = seccomp_syscall_resolve_name(name);
		/* As runc: a call this libseccomp does not know is left to the default action. */
		if (nr == __NR_SCMP_ERROR)
			continue;
		for (int a = 0; a < 3; a++) {
			int anr = seccomp_syscall_resolve_name_arch(arch_of[a], name);

			if (anr > 0 && (uint32_t)anr > max_nr[a])
				max_nr[a] = anr;
		}
		/* As runc: libseccomp refuses a rule that only repeats the default. */
		if (rule->action != dflt && add_rule(ctx, rule, nr) < 0)
			return nslab_fail(e, EINVAL, "seccomp", "%s: cannot be filtered", name);
	}
	return 0;
}

/* @p's rules that hold for @caps, into @ctx; @max_nr as add_names counts it. */
static int add_profile(scmp_filter_ctx ctx, const struct nslab_sc_profile *p, uint64_t caps,
		       uint32_t max_nr[3], struct nslab_error *e)
{
	unsigned kernel = nslab_sc_kernel();
	int ret = 0;

	/* The filter must not stop a setuid program: no_new_privs is ours to decide, not its. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	/* A binary search over some 400 calls, not a walk down the list on every call. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (((p->arches & NSLAB_SC_ADD_X86) && seccomp_arch_add(ctx, SCMP_ARCH_X86) < 0) ||
	    ((p->arches & NSLAB_SC_ADD_X32) && seccomp_arch_add(ctx, SCMP_ARCH_X32) < 0))
		return nslab_fail(e, EINVAL, "seccomp", "cannot add the 32-bit architectures");
	for (size_t i = 0; i < p->n_rules && !ret; i++)
		if (nslab_sc_rule_applies(&p->rules[i], caps, kernel))
			ret = add_names(ctx, &p->rules[i], p->default_action, max_nr, e);
	return ret;
}

/* Calls newer than the profile get ENOSYS only where unknown calls are refused at all. */
static void keep_enosys_for(const struct nslab_sc_profile *p, uint32_t max_nr[3])
{
	bool refusing = p->default_action != SCMP_ACT_ALLOW && p->default_action != SCMP_ACT_LOG;

	max_nr[1] = p->arches & NSLAB_SC_ADD_X32 ? max_nr[1] : 0;
	max_nr[2] = p->arches & NSLAB_SC_ADD_X86 ? max_nr[2] : 0;
	for (int a = 0; !refusing && a < 3; a++)
		max_nr[a] = 0;
}

/* libseccomp's program for @ctx, behind nslab's prefix, into @prog. */
static int export(scmp_filter_ctx ctx, const uint32_t max_nr[3], bool tty_guard,
		  struct nslab_sc_program *prog, struct nslab_error *e)
{
	int fd = memfd_create("nslab-seccomp", MFD_CLOEXEC);
	void *bpf = NULL;
	off_t size;
	int ret;

	if (fd < 0)
		return nslab_fail(e, errno, "seccomp", "memfd_create: %s", strerror(errno));
	ret = seccomp_export_bpf(ctx, fd);
	size = ret ? 0 : lseek(fd, 0, SEEK_END);
	if (!ret && size > 0 && (bpf = malloc(size)) && pread(fd, bpf, size, 0) == size)
		ret = nslab_sc_assemble(bpf, size / 8, max_nr, tty_guard, prog);
	else if (!ret)
		ret = -EIO;
	free(bpf);
	close(fd);
	return ret ? nslab_fail(e, -ret, "seccomp", NULL) : 0;
}

/* @p as it applies to @caps, compiled into @prog: the one builder of every profile. */
static int build(const struct nslab_sc_profile *p, uint64_t caps, struct nslab_sc_program *prog,
		 struct nslab_error *e)
{
	uint32_t max_nr[3] = { 0 };
	scmp_filter_ctx ctx = seccomp_init(p->default_action);
	int ret;

	if (!ctx)
		return nslab_fail(e, EINVAL, "seccomp", "default action %#x", p->default_action);
	ret = add_profile(ctx, p, caps, max_nr, e);
	keep_enosys_for(p, max_nr);
	if (!ret)
		ret = export(ctx, max_nr, p->refuse_tty_injection, prog, e);
	seccomp_release(ctx);
	return ret;
}

int nslab_seccomp_check(struct nslab_seccomp *sc, uint64_t caps, struct nslab_error *e)
{
	const struct nslab_sc_profile *p = &nslab_sc_default;
	uint64_t key;
	int ret;

	if (sc->mode == NSLAB_SECCOMP_FILE && !sc->profile && read_profile(sc, e))
		return -e->err;
	if (sc->mode == NSLAB_SECCOMP_UNCONFINED || sc->prog.insn)
		return 0;
	key = nslab_sc_cache_key(sc, caps);
	if (nslab_sc_cache_load(key, &sc->prog) == 0)
		return 0;
	ret = build(sc->mode == NSLAB_SECCOMP_FILE ? sc->profile : p, caps, &sc->prog, e);
	if (!ret)
		nslab_sc_cache_store(key, &sc->prog);
	return ret;
}

int nslab_seccomp_apply(const struct nslab_seccomp *sc, struct nslab_error *e)
{
	int ret;

	if (sc->mode == NSLAB_SECCOMP_UNCONFINED)
		return 0;
	ret = nslab_fault("seccomp");
	if (!ret && !sc->prog.insn)
		ret = -EINVAL;	/* fail closed: nothing was built on the host */
	if (!ret)
		ret = nslab_sc_install(&sc->prog);
	return ret ? nslab_fail(e, ret, "seccomp", NULL) : 0;
}
