// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup v2's device policy: a BPF_PROG_TYPE_CGROUP_DEVICE program made
 * from the rules, one block per rule, first match allows (returns 1), the
 * end denies.  runc's devicefilter is the model.  The program reads its
 * context with 4-byte loads only, which the verifier accepts on every
 * kernel since 4.15.
 */
#include "devices_bpf.h"

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>

#define MAX_INSNS 256

/* r2: type (BPF_DEVCG_DEV_*), r3: access (BPF_DEVCG_ACC_*), r4: major, r5: minor; r1 scratch. */
enum { R0, R1, R2, R3, R4, R5 };

struct prog {
	struct bpf_insn insn[MAX_INSNS];
	int n;
};

static void emit(struct prog *p, __u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
	p->insn[p->n++] = (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src,
					     .off = off, .imm = imm };
}

static void load_ctx(struct prog *p)
{
	emit(p, BPF_LDX | BPF_MEM | BPF_W, R2, R1,
	     offsetof(struct bpf_cgroup_dev_ctx, access_type), 0);
	emit(p, BPF_ALU64 | BPF_MOV | BPF_X, R3, R2, 0, 0);
	emit(p, BPF_ALU64 | BPF_AND | BPF_K, R2, 0, 0, 0xffff);
	emit(p, BPF_ALU64 | BPF_RSH | BPF_K, R3, 0, 0, 16);
	emit(p, BPF_LDX | BPF_MEM | BPF_W, R4, R1, offsetof(struct bpf_cgroup_dev_ctx, major), 0);
	emit(p, BPF_LDX | BPF_MEM | BPF_W, R5, R1, offsetof(struct bpf_cgroup_dev_ctx, minor), 0);
}

/* if (reg != imm) goto next rule; the offset is patched once the block's end is known. */
static void skip_unless(struct prog *p, int *jumps, int *n_jumps, __u8 reg, __s32 imm)
{
	jumps[(*n_jumps)++] = p->n;
	emit(p, BPF_JMP | BPF_JNE | BPF_K, reg, 0, 0, imm);
}

static void emit_rule(struct prog *p, const struct nslab_dev_rule *r)
{
	int jumps[4], n_jumps = 0;

	skip_unless(p, jumps, &n_jumps, R2, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	/* Every access asked for must be in the rule: (access & ~allowed) == 0. */
	if (r->access != NSLAB_DEV_RWM) {
		emit(p, BPF_ALU64 | BPF_MOV | BPF_X, R1, R3, 0, 0);
		emit(p, BPF_ALU64 | BPF_AND | BPF_K, R1, 0, 0, (__s32)~r->access);
		skip_unless(p, jumps, &n_jumps, R1, 0);
	}
	if (r->major != NSLAB_DEV_WILDCARD)
		skip_unless(p, jumps, &n_jumps, R4, (__s32)r->major);
	if (r->minor != NSLAB_DEV_WILDCARD)
		skip_unless(p, jumps, &n_jumps, R5, (__s32)r->minor);
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 1);
	emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	for (int i = 0; i < n_jumps; i++)
		p->insn[jumps[i]].off = p->n - jumps[i] - 1;
}

static int build(struct prog *p, const struct nslab_devices *d)
{
	struct nslab_dev_rule r;

	p->n = 0;
	load_ctx(p);
	for (int i = 0; nslab_dev_rule_at(d, i, &r); i++) {
		/* A rule takes at most 8 instructions, the deny at the end 2. */
		if (p->n + 10 > MAX_INSNS)
			return -E2BIG;
		emit_rule(p, &r);
	}
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 0);
	emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return 0;
}

static int bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

int nslab_dev_bpf_attach(int cg_fd, const struct nslab_devices *d)
{
	struct prog p;
	union bpf_attr attr;
	int prog_fd, ret;

	ret = build(&p, d);
	if (ret)
		return ret;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (__u64)(unsigned long)p.insn;
	attr.insn_cnt = p.n;
	attr.license = (__u64)(unsigned long)"GPL";
	prog_fd = bpf(BPF_PROG_LOAD, &attr);
	if (prog_fd < 0)
		return -errno;
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = cg_fd;
	attr.attach_bpf_fd = prog_fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	ret = bpf(BPF_PROG_ATTACH, &attr) < 0 ? -errno : 0;
	close(prog_fd);
	return ret;
}
