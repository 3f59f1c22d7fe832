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

int nslab_kmod_modinfo(const char *path, struct nslab_kmod_info *info, struct nslab_error *e)
{
	const char *modinfo;
	struct stat st;
	size_t len;
	void *img;
	int fd, ret;

	memset(info, 0, sizeof(*info));
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

static int not_permitted(struct nslab_error *e, const char *what)
{
	char disabled[8] = "";

	nslab_read_file("/proc/sys/kernel/modules_disabled", disabled, sizeof(disabled));
	if (disabled[0] == '1')
		return nslab_fail(e, EPERM, what, "module loading is disabled (kernel.modules_disabled=1)");
	return nslab_fail(e, EPERM, what, "not permitted: needs root (CAP_SYS_MODULE in the initial user namespace)");
}

int nslab_kmod_load(const char *path, struct nslab_error *e)
{
	struct nslab_kmod_info info;
	int fd, ret;

	if (!nslab_kmod_supported())
		return no_modules(e, "module load");
	ret = nslab_kmod_modinfo(path, &info, e);
	if (ret)
		return ret;
	if (strcmp(info.release, release()) != 0)
		return nslab_fail(e, ENOEXEC, "module load",
				  "vermagic mismatch: %s is built for %s, this kernel is %s",
				  path, info.release, release());
	if (loaded(info.name))
		return nslab_fail(e, EEXIST, "module load", "%s is already loaded", info.name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nslab_fail(e, errno, "module load", "%s: %s", path, strerror(errno));
	ret = syscall(SYS_finit_module, fd, "", 0) < 0 ? -errno : 0;
	close(fd);
	switch (-ret) {
	case 0:
		return 0;
	case EPERM:
		return not_permitted(e, "module load");
	case ENOSYS:
		return no_modules(e, "module load");
	case EEXIST:
		return nslab_fail(e, EEXIST, "module load", "%s is already loaded", info.name);
	case ENOEXEC:
		return nslab_fail(e, ENOEXEC, "module load",
				  "the kernel rejected %s as invalid (see dmesg)", path);
	default:
		return nslab_fail(e, ret, "module load", "%s: %s (see dmesg)", path, strerror(-ret));
	}
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
		return not_permitted(e, "module unload");
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
	const char *env = getenv("NSCOUNT_KO");

	if (env && *env)
		snprintf(buf, size, "%s", env);
	else
		snprintf(buf, size, "/lib/modules/%s/extra/nscount.ko", release());
	return buf;
}
