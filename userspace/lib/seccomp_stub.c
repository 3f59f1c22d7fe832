// SPDX-License-Identifier: GPL-2.0
/*
 * The prefix nslab puts before libseccomp's program, for what libseccomp
 * cannot say: "every call newer than the profile" (runc's ENOSYS stub:
 * libc then falls back to an older call the profile knows), and "ioctl with
 * this command in the low 32 bits" (the kernel reads the command as an
 * unsigned int; libseccomp compares all 64 bits).
 */
#include "filter.h"
#include "seccomp_stub.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

/* Jump targets resolved once the prefix is complete; all lie ahead. */
enum { TO_ENOSYS = 0xf0, TO_EPERM, TO_PROG, TO_SKIP };

#define STUB_MAX 64
#define ARG1_LOW offsetof(struct seccomp_data, args[1])	/* little endian: the low half */

struct stub {
	struct sock_filter insn[STUB_MAX];
	unsigned n;
};

static void emit(struct stub *s, unsigned short code, unsigned jt, unsigned jf, uint32_t k)
{
	s->insn[s->n++] = (struct sock_filter){ code, (unsigned char)jt, (unsigned char)jf, k };
}

/* One architecture's calls (@lo..@hi under @token): the ioctl guard, then ENOSYS above @max. */
struct arch_block {
	uint32_t token, lo, hi, ioctl_nr, max;
};

static void emit_block(struct stub *s, const struct arch_block *b, bool tty_guard)
{
	unsigned start = s->n;

	emit(s, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch));
	emit(s, BPF_JMP | BPF_JEQ | BPF_K, 0, TO_SKIP, b->token);
	emit(s, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
	emit(s, BPF_JMP | BPF_JGE | BPF_K, 0, TO_SKIP, b->lo);
	emit(s, BPF_JMP | BPF_JGT | BPF_K, TO_SKIP, 0, b->hi);
	if (tty_guard) {
		emit(s, BPF_JMP | BPF_JEQ | BPF_K, 0, 4, b->ioctl_nr);
		emit(s, BPF_LD | BPF_W | BPF_ABS, 0, 0, ARG1_LOW);
		emit(s, BPF_JMP | BPF_JEQ | BPF_K, TO_EPERM, 0, TIOCSTI);
		emit(s, BPF_JMP | BPF_JEQ | BPF_K, TO_EPERM, 0, TIOCLINUX);
		emit(s, BPF_JMP | BPF_JA, 0, 0, TO_PROG);
	}
	emit(s, BPF_JMP | BPF_JGT | BPF_K, b->max ? TO_ENOSYS : TO_PROG, TO_PROG, b->max);
	for (unsigned i = start; i < s->n; i++) {
		if (s->insn[i].jt == TO_SKIP)
			s->insn[i].jt = s->n - i - 1;
		if (s->insn[i].jf == TO_SKIP)
			s->insn[i].jf = s->n - i - 1;
	}
}

/* Points every jump at ENOSYS, EPERM or the program at instructions @enosys, +1, +2. */
static void resolve(struct stub *s, unsigned enosys)
{
	for (unsigned i = 0; i < s->n; i++) {
		struct sock_filter *f = &s->insn[i];

		if (f->code == (BPF_JMP | BPF_JA)) {
			f->k = enosys + (f->k - TO_ENOSYS) - i - 1;
			continue;
		}
		if (BPF_CLASS(f->code) != BPF_JMP)
			continue;
		if (f->jt >= TO_ENOSYS)
			f->jt = enosys + (f->jt - TO_ENOSYS) - i - 1;
		if (f->jf >= TO_ENOSYS)
			f->jf = enosys + (f->jf - TO_ENOSYS) - i - 1;
	}
}

static void build_stub(struct stub *s, const uint32_t max_nr[3], bool tty_guard)
{
	/* x86_64 and x32 share the audit token; x32 numbers carry bit 30. */
	const struct arch_block blocks[] = {
		{ AUDIT_ARCH_X86_64, 0, 0x3fffffff, 16, max_nr[0] },
		{ AUDIT_ARCH_X86_64, 0x40000000, 0x7fffffff, 0x40000000 | 514, max_nr[1] },
		{ AUDIT_ARCH_I386, 0, 0xffffffff, 54, max_nr[2] },
	};

	s->n = 0;
	for (size_t i = 0; i < N_ELEMENTS(blocks); i++)
		if (tty_guard || blocks[i].max)
			emit_block(s, &blocks[i], tty_guard);
	emit(s, BPF_JMP | BPF_JA, 0, 0, TO_PROG);
	resolve(s, s->n);
	emit(s, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | ENOSYS);
	emit(s, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | EPERM);
}

int nslab_sc_assemble(const void *filter, size_t n, const uint32_t max_nr[3], bool tty_guard,
		      struct nslab_sc_program *out)
{
	struct sock_filter *insn;
	struct stub s;

	build_stub(&s, max_nr, tty_guard);
	if (s.n + n > BPF_MAXINSNS)
		return -E2BIG;
	insn = calloc(s.n + n, sizeof(*insn));
	if (!insn)
		return -ENOMEM;
	memcpy(insn, s.insn, s.n * sizeof(*insn));
	memcpy(insn + s.n, filter, n * sizeof(*insn));
	out->insn = insn;
	out->len = s.n + n;
	return 0;
}

int nslab_sc_install(const struct nslab_sc_program *prog)
{
	struct sock_fprog fprog = { .len = prog->len, .filter = prog->insn };

	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) < 0 ? -errno : 0;
}
