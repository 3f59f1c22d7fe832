// SPDX-License-Identifier: GPL-2.0
/*
 * The default profile, as data: Docker's (github.com/moby/profiles seccomp
 * v0.2.3, the default.json moby vendors) for x86_64, in the shape
 * nslab_sc_parse_json gives a file.  Groups moby
 * keeps for other architectures (arm, ppc64le, s390, riscv64) are left out:
 * their conditions never hold here.
 */
#include "filter.h"
#include "seccomp_default.h"
#include "seccomp_json.h"

#include <errno.h>
#include <seccomp.h>
#include <linux/capability.h>

#define CAP(c) (1ULL << (c))
/* Every namespace flag clone(2) takes; clone is allowed only when none is set. */
#define CLONE_NEW_ANY 0x7e020000ULL
/* Address families socket(2) refuses: AF_ALG (38) and AF_VSOCK (40). */
#define AF_ALG_ 38
#define AF_VSOCK_ 40

/* Everything a container may call whatever its capabilities. */
static const char allowed[] =
	"accept accept4 access adjtimex alarm bind brk cachestat capget capset chdir chmod chown "
	"chown32 clock_adjtime clock_adjtime64 clock_getres clock_getres_time64 clock_gettime "
	"clock_gettime64 clock_nanosleep clock_nanosleep_time64 close close_range connect "
	"copy_file_range creat dup dup2 dup3 "
	"epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait "
	"epoll_wait_old eventfd eventfd2 execve execveat exit exit_group "
	"faccessat faccessat2 fadvise64 fadvise64_64 fallocate fanotify_mark fchdir fchmod "
	"fchmodat fchmodat2 fchown fchown32 fchownat fcntl fcntl64 fdatasync fgetxattr flistxattr flock "
	"fork fremovexattr fsetxattr fstat fstat64 fstatat64 fstatfs fstatfs64 fsync ftruncate "
	"ftruncate64 futex futex_requeue futex_time64 futex_wait futex_waitv futex_wake futimesat "
	"getcpu getcwd getdents getdents64 getegid getegid32 geteuid geteuid32 getgid getgid32 "
	"getgroups getgroups32 getitimer getpeername getpgid getpgrp getpid getppid getpriority "
	"getrandom getresgid getresgid32 getresuid getresuid32 getrlimit get_robust_list "
	"getrusage getsid getsockname getsockopt get_thread_area gettid gettimeofday getuid "
	"getuid32 getxattr getxattrat "
	"inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel ioctl "
	"io_destroy io_getevents io_pgetevents io_pgetevents_time64 ioprio_get ioprio_set "
	"io_setup io_submit ipc kill "
	"landlock_add_rule landlock_create_ruleset landlock_restrict_self lchown lchown32 "
	"lgetxattr link linkat listen listmount listxattr listxattrat llistxattr _llseek "
	"lremovexattr lseek lsetxattr "
	"lstat lstat64 "
	"madvise map_shadow_stack membarrier memfd_create memfd_secret mincore mkdir mkdirat mknod "
	"mknodat mlock "
	"mlock2 mlockall mmap mmap2 mprotect mq_getsetattr mq_notify mq_open mq_timedreceive "
	"mq_timedreceive_time64 mq_timedsend mq_timedsend_time64 mq_unlink mremap msgctl msgget "
	"msgrcv msgsnd mseal msync munlock munlockall munmap "
	"name_to_handle_at nanosleep newfstatat _newselect open openat openat2 "
	"pause pidfd_open pidfd_send_signal pipe pipe2 pkey_alloc pkey_free pkey_mprotect poll "
	"ppoll ppoll_time64 prctl pread64 preadv preadv2 prlimit64 process_mrelease pselect6 "
	"pselect6_time64 pwrite64 pwritev pwritev2 "
	"read readahead readlink readlinkat readv recv recvfrom recvmmsg recvmmsg_time64 recvmsg "
	"remap_file_pages removexattr removexattrat rename renameat renameat2 restart_syscall "
	"riscv_hwprobe rmdir rseq "
	"rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend "
	"rt_sigtimedwait rt_sigtimedwait_time64 rt_tgsigqueueinfo "
	"sched_getaffinity sched_getattr sched_getparam sched_get_priority_max "
	"sched_get_priority_min sched_getscheduler sched_rr_get_interval "
	"sched_rr_get_interval_time64 sched_setaffinity sched_setattr sched_setparam "
	"sched_setscheduler sched_yield seccomp select semctl semget semop semtimedop "
	"semtimedop_time64 send sendfile sendfile64 sendmmsg sendmsg sendto setfsgid setfsgid32 "
	"setfsuid setfsuid32 setgid setgid32 setgroups setgroups32 setitimer setpgid setpriority "
	"setregid setregid32 setresgid setresgid32 setresuid setresuid32 setreuid setreuid32 "
	"setrlimit set_robust_list setsid setsockopt set_thread_area set_tid_address setuid "
	"setuid32 setxattr setxattrat shmat shmctl shmdt shmget shutdown sigaltstack signalfd signalfd4 "
	"sigprocmask sigreturn socketcall socketpair splice stat stat64 statfs statfs64 statmount "
	"statx "
	"symlink symlinkat sync sync_file_range syncfs sysinfo "
	"tee tgkill time timer_create timer_delete timer_getoverrun timer_gettime "
	"timer_gettime64 timer_settime timer_settime64 timerfd_create timerfd_gettime "
	"timerfd_gettime64 timerfd_settime timerfd_settime64 times tkill truncate truncate64 "
	"ugetrlimit umask uname unlink unlinkat uretprobe utime utimensat utimensat_time64 utimes "
	"vfork vmsplice wait4 waitid waitpid write writev";

#define ALLOW(list) { .names = (list), .action = SCMP_ACT_ALLOW }
#define ALLOW_WITH(list, cap) \
	{ .names = (list), .action = SCMP_ACT_ALLOW, .includes.caps = CAP(cap) }
/* personality(2) only with the personas moby lets through. */
#define SOCKET(op_, v) { .names = "socket", .action = SCMP_ACT_ALLOW, .n_args = 1, \
			.args = { { .index = 0, .op = (op_), .value = (v) } } }
#define PERSONA(v) { .names = "personality", .action = SCMP_ACT_ALLOW, .n_args = 1, \
		     .args = { { .index = 0, .op = SCMP_CMP_EQ, .value = (v) } } }

static const struct nslab_sc_rule rules[] = {
	ALLOW(allowed),
	{ .names = "process_vm_readv process_vm_writev ptrace", .action = SCMP_ACT_ALLOW,
	  .includes.min_kernel = 4 << 16 | 8 },
	SOCKET(SCMP_CMP_LT, AF_ALG_), SOCKET(SCMP_CMP_EQ, AF_ALG_ + 1), SOCKET(SCMP_CMP_GT, AF_VSOCK_),
	PERSONA(0x0), PERSONA(0x8), PERSONA(0x20000), PERSONA(0x20008), PERSONA(0xffffffff),
	{ .names = "arch_prctl modify_ldt", .action = SCMP_ACT_ALLOW,
	  .includes.arches = NSLAB_SC_ARCH_NATIVE },
	ALLOW_WITH("open_by_handle_at", CAP_DAC_READ_SEARCH),
	ALLOW_WITH("bpf clone clone3 fanotify_init fsconfig fsmount fsopen fspick lookup_dcookie "
		   "lsm_get_self_attr lsm_list_modules lsm_set_self_attr mount mount_setattr move_mount "
		   "open_tree perf_event_open quotactl quotactl_fd "
		   "setdomainname sethostname setns syslog umount umount2 unshare", CAP_SYS_ADMIN),
	{ .names = "clone", .action = SCMP_ACT_ALLOW, .n_args = 1,
	  .args = { { .index = 0, .op = SCMP_CMP_MASKED_EQ, .value = CLONE_NEW_ANY, .value_two = 0 } },
	  .excludes.caps = CAP(CAP_SYS_ADMIN) },
	/* clone3's flags are out of a filter's sight: ENOSYS sends libc back to clone. */
	{ .names = "clone3", .action = SCMP_ACT_ERRNO(ENOSYS), .excludes.caps = CAP(CAP_SYS_ADMIN) },
	ALLOW_WITH("reboot", CAP_SYS_BOOT),
	ALLOW_WITH("chroot", CAP_SYS_CHROOT),
	ALLOW_WITH("delete_module init_module finit_module", CAP_SYS_MODULE),
	ALLOW_WITH("acct", CAP_SYS_PACCT),
	ALLOW_WITH("kcmp pidfd_getfd process_madvise process_vm_readv process_vm_writev ptrace",
		   CAP_SYS_PTRACE),
	ALLOW_WITH("iopl ioperm", CAP_SYS_RAWIO),
	ALLOW_WITH("settimeofday stime clock_settime clock_settime64", CAP_SYS_TIME),
	ALLOW_WITH("vhangup", CAP_SYS_TTY_CONFIG),
	ALLOW_WITH("get_mempolicy mbind set_mempolicy set_mempolicy_home_node", CAP_SYS_NICE),
	ALLOW_WITH("syslog", CAP_SYSLOG),
	ALLOW_WITH("bpf", CAP_BPF),
	ALLOW_WITH("perf_event_open", CAP_PERFMON),
};

const struct nslab_sc_profile nslab_sc_default = {
	.default_action = SCMP_ACT_ERRNO(EPERM),
	/* As runc builds Docker's archMap on x86_64: 32-bit and x32 calls meet the same rules. */
	.arches = NSLAB_SC_ADD_X86 | NSLAB_SC_ADD_X32,
	.refuse_tty_injection = true,
	.n_rules = N_ELEMENTS(rules),
	.rules = rules,
};
