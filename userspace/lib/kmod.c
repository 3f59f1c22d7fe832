// SPDX-License-Identifier: GPL-2.0
#include "kmod.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/module.h>

bool nslab_kmod_supported(void)
{
	return access("/proc/modules", F_OK) == 0;
}

static const char *release(void)
{
	static struct utsname u;

	if (!u.release[0])
		uname(&u);
	return u.release;
}

static int no_modules(struct nslab_error *e, const char *what)
{
	return nslab_fail(e, ENOSYS, what, "this kernel (%s) has no loadable module support",
			  release());
}

/* The .modinfo section of an ELF64 image: "key=value\0" strings. */
static int find_modinfo(const unsigned char *img, size_t size, const char **start, size_t *len)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
	const Elf64_Shdr *sh, *strtab;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shentsize != sizeof(*sh) ||
	    eh->e_shoff > size || eh->e_shnum > (size - eh->e_shoff) / sizeof(*sh) ||
	    eh->e_shstrndx >= eh->e_shnum)
		return -ENOEXEC;
	sh = (const Elf64_Shdr *)(img + eh->e_shoff);
	strtab = &sh[eh->e_shstrndx];
	if (strtab->sh_offset > size || strtab->sh_size > size - strtab->sh_offset)
		return -ENOEXEC;
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_name >= strtab->sh_size ||
		    strncmp((const char *)img + strtab->sh_offset + sh[i].sh_name, ".modinfo",
			    strtab->sh_size - sh[i].sh_name) != 0)
			continue;
		if (sh[i].sh_offset > size || sh[i].sh_size > size - sh[i].sh_offset)
			return -ENOEXEC;
		*start = (const char *)img + sh[i].sh_offset;
		*len = sh[i].sh_size;
		return 0;
	}
	return -ENOEXEC;
}

static void modinfo_get(const char *info, size_t len, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);

	buf[0] = '\0';
	for (const char *p = info; p < info + len; p += strnlen(p, info + len - p) + 1) {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			snprintf(buf, size, "%.*s", (int)strnlen(p + klen + 1, info + len - p - klen - 1),
				 p + klen + 1);
			return;
		}
	}
}

/* A file the kernel decompresses itself (MODULE_INIT_COMPRESSED_FILE), by its name. */
static bool compressed(const char *path)
{
	static const char *const exts[] = { ".ko.xz", ".ko.zst", ".ko.gz" };
	size_t len = strlen(path);

	for (size_t i = 0; i < N_ELEMENTS(exts); i++)
		if (len > strlen(exts[i]) && strcmp(path + len - strlen(exts[i]), exts[i]) == 0)
			return true;
	return false;
}

int nslab_kmod_modinfo(const char *path, struct nslab_kmod_info *info, struct nslab_error *e)
{
	const char *modinfo;
	struct stat st;
	size_t len;
	void *img;
	int fd, ret;

	memset(info, 0, sizeof(*info));
	if (compressed(path))
		return nslab_fail(e, ENOEXEC, "module",
				  "%s: compressed; the kernel reads its .modinfo when it loads it", path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nslab_fail(e, errno, "module", "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		close(fd);
		return nslab_fail(e, ENOEXEC, "module", "%s: not a kernel module file", path);
	}
	img = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	ret = img == MAP_FAILED ? -errno : 0;
	close(fd);
	if (ret)
		return nslab_fail(e, ret, "module", "%s: %s", path, strerror(-ret));
	ret = find_modinfo(img, st.st_size, &modinfo, &len);
	if (!ret) {
		modinfo_get(modinfo, len, "name", info->name, sizeof(info->name));
		modinfo_get(modinfo, len, "vermagic", info->vermagic, sizeof(info->vermagic));
		snprintf(info->release, sizeof(info->release), "%.*s",
			 (int)strcspn(info->vermagic, " "), info->vermagic);
	}
	munmap(img, st.st_size);
	if (ret || !info->name[0] || !info->release[0])
		return nslab_fail(e, ENOEXEC, "module",
				  "%s: not a kernel module (no name or vermagic in .modinfo)", path);
	return 0;
}

static int sys_module_read(const char *name, const char *attr, char *buf, size_t size)
{
	char path[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/module/%s/%s", name, attr);
	n = nslab_read_file(path, buf, size);
	if (n < 0)
		return n;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Built-in modules have a /sys/module directory too, but no initstate. */
static bool loaded(const char *name)
{
	char state[16];

	return sys_module_read(name, "initstate", state, sizeof(state)) == 0;
}

/* CAP_SYS_MODULE in our effective set, and our user namespace the initial one. */
static bool may_load_modules(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	char map[64] = "";

	if (syscall(SYS_capget, &h, d) < 0 ||
	    !(d[CAP_TO_INDEX(CAP_SYS_MODULE)].effective & CAP_TO_MASK(CAP_SYS_MODULE)))
		return false;
	nslab_read_file("/proc/self/uid_map", map, sizeof(map));
	return strtoul(map, NULL, 10) == 0 && strstr(map, "4294967295");
}

/* The kernel's lockdown level ("integrity", "confidentiality"), or "" when none or unknown. */
static void lockdown_level(char *buf, size_t size)
{
	char text[128] = "";
	char *open, *close;

	buf[0] = '\0';
	if (nslab_read_file("/sys/kernel/security/lockdown", text, sizeof(text)) < 0)
		return;
	open = strchr(text, '[');
	close = open ? strchr(open, ']') : NULL;
	if (close && strncmp(open + 1, "none]", 5) != 0)
		snprintf(buf, size, "%.*s", (int)(close - open - 1), open + 1);
}

/* EPERM: why, as far as we can tell; lockdown only ever refuses a load. */
static int not_permitted(struct nslab_error *e, const char *what, bool loading)
{
	char disabled[8] = "", level[32];

	nslab_read_file("/proc/sys/kernel/modules_disabled", disabled, sizeof(disabled));
	if (disabled[0] == '1')
		return nslab_fail(e, EPERM, what, "module loading is disabled (kernel.modules_disabled=1)");
	if (!may_load_modules())
		return nslab_fail(e, EPERM, what, "not permitted: needs root (CAP_SYS_MODULE in the initial user namespace)");
	lockdown_level(level, sizeof(level));
	if (loading && level[0])
		return nslab_fail(e, EPERM, what,
				  "the kernel is locked down (%s, e.g. by Secure Boot): it loads only modules signed with a key it trusts",
				  level);
	return nslab_fail(e, EPERM, what, "the kernel refused it for root too (a security module?): see dmesg");
}

/*
 * What is known before loading: from .modinfo for a plain .ko (and its
 * vermagic must be this kernel's), from the name alone for a compressed one,
 * which the kernel checks itself.
 */
static int precheck(const char *path, struct nslab_kmod_info *info, struct nslab_error *e)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int ret;

	if (compressed(path)) {
		memset(info, 0, sizeof(*info));
		snprintf(info->name, sizeof(info->name), "%.*s", (int)strcspn(base, "."), base);
		return access(path, R_OK) < 0 ?
		       nslab_fail(e, errno, "module load", "%s: %s", path, strerror(errno)) : 0;
	}
	ret = nslab_kmod_modinfo(path, info, e);
	if (ret)
		return ret;
	if (strcmp(info->release, release()) != 0)
		return nslab_fail(e, ENOEXEC, "module load",
				  "vermagic mismatch: %s is built for %s, this kernel is %s",
				  path, info->release, release());
	return 0;
}

static int load_failed(int err, const char *path, const struct nslab_kmod_info *info,
		       struct nslab_error *e)
{
	switch (err) {
	case EPERM:
		return not_permitted(e, "module load", true);
	case ENOSYS:
		return no_modules(e, "module load");
	case EEXIST:
		return nslab_fail(e, EEXIST, "module load", "%s is already loaded", info->name);
	case EKEYREJECTED:
		return nslab_fail(e, EKEYREJECTED, "module load",
				  "the kernel rejected %s: unsigned or not signed by a key it trusts (module signature enforced; see dmesg)",
				  path);
	case EOPNOTSUPP:
	case EINVAL:
		if (compressed(path))
			return nslab_fail(e, err, "module load",
					  "this kernel cannot load %s compressed (no CONFIG_MODULE_DECOMPRESS for it): decompress it first",
					  path);
		break;
	case ENOEXEC:
		return nslab_fail(e, ENOEXEC, "module load",
				  "the kernel rejected %s as invalid or built for another kernel (see dmesg)", path);
	}
	return nslab_fail(e, err, "module load", "%s: %s (see dmesg)", path, strerror(err));
}

int nslab_kmod_load(const char *path, struct nslab_error *e)
{
	struct nslab_kmod_info info;
	int fd, ret;

	if (!nslab_kmod_supported())
		return no_modules(e, "module load");
	ret = precheck(path, &info, e);
	if (ret)
		return ret;
	if (loaded(info.name))
		return nslab_fail(e, EEXIST, "module load", "%s is already loaded", info.name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nslab_fail(e, errno, "module load", "%s: %s", path, strerror(errno));
	ret = syscall(SYS_finit_module, fd, "",
		      compressed(path) ? MODULE_INIT_COMPRESSED_FILE : 0) < 0 ? -errno : 0;
	close(fd);
	return ret ? load_failed(-ret, path, &info, e) : 0;
}

int nslab_kmod_unload(const char *name, struct nslab_error *e)
{
	int ret;

	if (!nslab_kmod_supported())
		return no_modules(e, "module unload");
	if (!loaded(name))
		return nslab_fail(e, ENOENT, "module unload", "%s is not loaded", name);
	ret = syscall(SYS_delete_module, name, O_NONBLOCK) < 0 ? -errno : 0;
	switch (-ret) {
	case 0:
		return 0;
	case EPERM:
		return not_permitted(e, "module unload", false);
	case ENOENT:
		return nslab_fail(e, ENOENT, "module unload", "%s is not loaded", name);
	case EBUSY:
	case EWOULDBLOCK:
		return nslab_fail(e, EBUSY, "module unload", "%s is in use", name);
	default:
		return nslab_fail(e, ret, "module unload", "%s: %s", name, strerror(-ret));
	}
}

int nslab_kmod_status(const char *name, struct nslab_kmod_status *st, struct nslab_error *e)
{
	char refcnt[32];

	memset(st, 0, sizeof(*st));
	if (!nslab_kmod_supported())
		return no_modules(e, "module status");
	if (sys_module_read(name, "initstate", st->state, sizeof(st->state)))
		return 0;
	st->loaded = true;
	st->refcnt = sys_module_read(name, "refcnt", refcnt, sizeof(refcnt)) ? -1 : atol(refcnt);
	sys_module_read(name, "taint", st->taint, sizeof(st->taint));
	sys_module_read(name, "srcversion", st->srcversion, sizeof(st->srcversion));
	return 0;
}

const char *nslab_kmod_default_path(char *buf, size_t size)
{
	static const char *const dirs[] = { "extra", "updates" };
	static const char *const exts[] = { "", ".xz", ".zst" };
	const char *env = getenv("NSCOUNT_KO");

	if (env && *env) {
		snprintf(buf, size, "%s", env);
		return buf;
	}
	for (size_t d = 0; d < N_ELEMENTS(dirs); d++) {
		for (size_t x = 0; x < N_ELEMENTS(exts); x++) {
			snprintf(buf, size, "/lib/modules/%s/%s/nscount.ko%s", release(), dirs[d],
				 exts[x]);
			if (access(buf, F_OK) == 0)
				return buf;
		}
	}
	snprintf(buf, size, "/lib/modules/%s/extra/nscount.ko", release());
	return buf;
}
