// SPDX-License-Identifier: GPL-2.0
#include "child.h"
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

void *shared_alloc(size_t size)
{
	void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	cr_assert(mem != MAP_FAILED, "mmap: %s", strerror(errno));
	return mem;
}

void shared_free(void *mem, size_t size)
{
	munmap(mem, size);
}

int run_in_child(void (*fn)(void *arg), void *arg)
{
	int status;
	pid_t pid = fork();

	cr_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	cr_assert(waitpid(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct private_uts {
	const char *host;
	const char *const *argv;
	struct run_result r;
	char after[65];
};

static void private_uts_run(void *arg)
{
	struct private_uts *p = arg;

	if (unshare(CLONE_NEWUTS) < 0 || sethostname(p->host, strlen(p->host)) < 0)
		_exit(1);
	nslab_run_argv(&p->r, p->argv);
	gethostname(p->after, sizeof(p->after) - 1);
}

int nslab_run_private_uts(struct run_result *r, const char *host, char after[65],
			  const char *const argv[])
{
	struct private_uts *p = shared_alloc(sizeof(*p));
	int code;

	p->host = host;
	p->argv = argv;
	code = run_in_child(private_uts_run, p);
	*r = p->r;
	memcpy(after, p->after, sizeof(p->after));
	shared_free(p, sizeof(*p));
	return code;
}
