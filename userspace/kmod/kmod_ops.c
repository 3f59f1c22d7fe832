// SPDX-License-Identifier: GPL-2.0
#include "kmod_ops.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <unistd.h>
#include <libkmod.h>
#include <linux/capability.h>

/* libkmod's last message (why a file could not be read, a module inserted or removed). */
static char kmod_said[160];

static void remember(void *data, int priority, const char *file, int line, const char *fn,
		     const char *format, va_list args)
{
	(void)data, (void)file, (void)line, (void)fn;
	if (priority > LOG_INFO)
		return;
	vsnprintf(kmod_said, sizeof(kmod_said), format, args);
	kmod_said[strcspn(kmod_said, "\n")] = '\0';
}

static int no_modules(struct nslab_error *e, const char *what)
{
	return nslab_fail(e, ENOSYS, what, "this kernel (%s) has no loadable module support",
			  nslab_kmod_release());
}

/*
 * A libkmod context for step @what, without modprobe.d (nslab names its
 * module by path, never by alias); NULL with @e filled when this kernel has
 * no module support or libkmod has no memory.
 */
static struct kmod_ctx *context(const char *what, struct nslab_error *e)
{
	static const char *const no_config[] = { NULL };
	struct kmod_ctx *ctx;

	if (!nslab_kmod_supported()) {
		no_modules(e, what);
		return NULL;
	}
	ctx = kmod_new(NULL, no_config);
	if (!ctx) {
		nslab_fail(e, ENOMEM, what, "libkmod: cannot create a context");
		return NULL;
	}
	kmod_set_log_fn(ctx, remember, NULL);
	kmod_set_log_priority(ctx, LOG_INFO);
	kmod_said[0] = '\0';
	return ctx;
}

/* live, coming or going for a loaded module; NULL when it is not (built-in ones are not). */
static const char *loaded_state(struct kmod_module *mod)
{
	int state = kmod_module_get_initstate(mod);

	return state < 0 || state == KMOD_MODULE_BUILTIN ? NULL : kmod_module_initstate_str(state);
}

static void info_copy(struct kmod_list *list, struct nslab_kmod_info *info)
{
	struct kmod_list *l;

	kmod_list_foreach(l, list) {
		const char *key = kmod_module_info_get_key(l), *val = kmod_module_info_get_value(l);

		if (strcmp(key, "name") == 0)
			snprintf(info->name, sizeof(info->name), "%s", val);
		else if (strcmp(key, "vermagic") == 0)
			snprintf(info->vermagic, sizeof(info->vermagic), "%s", val);
	}
	snprintf(info->release, sizeof(info->release), "%.*s",
		 (int)strcspn(info->vermagic, " "), info->vermagic);
}

/* @path as a libkmod module and its .modinfo; errors as step @what. */
static int open_file(struct kmod_ctx *ctx, const char *path, const char *what,
		     struct kmod_module **mod, struct nslab_kmod_info *info, struct nslab_error *e)
{
	struct kmod_list *list = NULL;
	int ret;

	memset(info, 0, sizeof(*info));
	*mod = NULL;
	ret = kmod_module_new_from_path(ctx, path, mod);
	if (ret < 0)
		return nslab_fail(e, -ret, what, "%s: %s", path, strerror(-ret));
	/* libkmod 30 says nothing of a file it cannot decompress or parse: EINVAL alone. */
	ret = kmod_module_get_info(*mod, &list);
	if (ret < 0)
		return nslab_fail(e, kmod_said[0] ? -ret : ENOEXEC, what, "%s: %s", path,
				  kmod_said[0] ? kmod_said : "not a kernel module, or a damaged one");
	info_copy(list, info);
	kmod_module_info_free_list(list);
	if (!info->name[0] || !info->release[0])
		return nslab_fail(e, ENOEXEC, what,
				  "%s: not a kernel module (no name or vermagic in .modinfo)", path);
	return 0;
}

int nslab_kmod_modinfo(const char *path, struct nslab_kmod_info *info, struct nslab_error *e)
{
	struct kmod_ctx *ctx = context("module", e);
	struct kmod_module *mod;
	int ret;

	if (!ctx)
		return -e->err;
	ret = open_file(ctx, path, "module", &mod, info, e);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return ret;
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
	case ENOEXEC:
		return nslab_fail(e, ENOEXEC, "module load",
				  "the kernel rejected %s as invalid or built for another kernel (see dmesg)", path);
	}
	if (kmod_said[0])
		return nslab_fail(e, err, "module load", "%s (see dmesg)", kmod_said);
	return nslab_fail(e, err, "module load", "%s: %s (see dmesg)", path, strerror(err));
}

/* What is known before loading: the file's .modinfo, whose vermagic must be this kernel's. */
static int load_module(struct kmod_ctx *ctx, const char *path, struct nslab_error *e)
{
	struct nslab_kmod_info info;
	struct kmod_module *mod, *loaded = NULL;
	int ret = open_file(ctx, path, "module load", &mod, &info, e);

	if (!ret && strcmp(info.release, nslab_kmod_release()) != 0)
		ret = nslab_fail(e, ENOEXEC, "module load",
				 "vermagic mismatch: %s is built for %s, this kernel is %s",
				 path, info.release, nslab_kmod_release());
	if (!ret && kmod_module_new_from_name(ctx, info.name, &loaded) == 0 && loaded_state(loaded))
		ret = nslab_fail(e, EEXIST, "module load", "%s is already loaded", info.name);
	if (!ret) {
		ret = kmod_module_insert_module(mod, 0, NULL);
		if (ret < 0)
			ret = load_failed(-ret, path, &info, e);
	}
	kmod_module_unref(loaded);
	kmod_module_unref(mod);
	return ret;
}

int nslab_kmod_load(const char *path, struct nslab_error *e)
{
	struct kmod_ctx *ctx = context("module load", e);
	int ret;

	if (!ctx)
		return -e->err;
	ret = load_module(ctx, path, e);
	kmod_unref(ctx);
	return ret;
}

/* Who keeps @mod in use, as rmmod tells it: the modules that depend on it, else its count. */
static int in_use(struct kmod_module *mod, struct nslab_error *e)
{
	struct kmod_list *holders = kmod_module_get_holders(mod), *l;
	char names[128] = "";
	size_t len = 0;

	kmod_list_foreach(l, holders) {
		struct kmod_module *h = kmod_module_get_module(l);

		if (len < sizeof(names))
			len += snprintf(names + len, sizeof(names) - len, "%s%s", len ? " " : "",
					kmod_module_get_name(h));
		kmod_module_unref(h);
	}
	kmod_module_unref_list(holders);
	if (names[0])
		return nslab_fail(e, EBUSY, "module unload", "%s is in use by: %s",
				  kmod_module_get_name(mod), names);
	return nslab_fail(e, EBUSY, "module unload", "%s is in use (refcnt %d)",
			  kmod_module_get_name(mod), kmod_module_get_refcnt(mod));
}

static int unload_module(struct kmod_module *mod, struct nslab_error *e)
{
	const char *name = kmod_module_get_name(mod);
	int ret;

	if (!loaded_state(mod))
		return nslab_fail(e, ENOENT, "module unload", "%s is not loaded", name);
	ret = kmod_module_remove_module(mod, 0);
	switch (-ret) {
	case 0:
		return 0;
	case EPERM:
		return not_permitted(e, "module unload", false);
	case ENOENT:
		return nslab_fail(e, ENOENT, "module unload", "%s is not loaded", name);
	case EBUSY:
	case EWOULDBLOCK:
		return in_use(mod, e);
	default:
		return nslab_fail(e, -ret, "module unload", "%s", kmod_said);
	}
}

int nslab_kmod_unload(const char *name, struct nslab_error *e)
{
	struct kmod_ctx *ctx = context("module unload", e);
	struct kmod_module *mod = NULL;
	int ret;

	if (!ctx)
		return -e->err;
	ret = kmod_module_new_from_name(ctx, name, &mod);
	ret = ret < 0 ? nslab_fail(e, -ret, "module unload", "%s: %s", name, strerror(-ret)) :
	      unload_module(mod, e);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return ret;
}

/* /sys/module/@name/@attr's first line: what libkmod has no call for. */
static void sys_module_read(const char *name, const char *attr, char *buf, size_t size)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/module/%s/%s", name, attr);
	if (nslab_read_file(path, buf, size) < 0)
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

int nslab_kmod_status(const char *name, struct nslab_kmod_status *st, struct nslab_error *e)
{
	struct kmod_ctx *ctx = context("module status", e);
	struct kmod_module *mod = NULL;
	const char *state;

	memset(st, 0, sizeof(*st));
	if (!ctx)
		return -e->err;
	if (kmod_module_new_from_name(ctx, name, &mod) == 0 && (state = loaded_state(mod))) {
		st->loaded = true;
		snprintf(st->state, sizeof(st->state), "%s", state);
		st->refcnt = kmod_module_get_refcnt(mod) < 0 ? -1 : kmod_module_get_refcnt(mod);
		sys_module_read(name, "taint", st->taint, sizeof(st->taint));
		sys_module_read(name, "srcversion", st->srcversion, sizeof(st->srcversion));
	}
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return 0;
}
