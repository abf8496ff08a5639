// SPDX-License-Identifier: BSD-2-Clause
/*
 * --scope in user space: the folding of pid/uid conditions into the BPF
 * configuration, the filter logic used for the processes found at start,
 * and the rule that tells a container's cgroup by its name.
 */
#include <stdio.h>
#include <string.h>

#include "recorder/capture_options.h"
#include "recorder/cgroup_paths.h"
#include "recorder/scope_setup.h"
#include "tests/unit/cgroup_table.h"
#include "tests/unit/check.h"

/* A config from scope expressions (NULL-terminated). */
static void config(struct scope_config *cfg, bool command, const char *const *exprs)
{
	struct capture_options o;
	char err[256];

	capture_options_init(&o);
	for (; *exprs; exprs++)
		if (capture_options_add_scope(&o, *exprs, err, sizeof(err)))
			fprintf(stderr, "bad test expression %s: %s\n", *exprs, err);
	scope_setup_config(&o, 4242, command, cfg);
	capture_options_free(&o);
}

#define MATCH(cfg, comm, pid, uid, cont) scope_setup_filters_match(cfg, comm, pid, uid, cont)

static void test_numbers(void)
{
	struct scope_config c;

	config(&c, false, (const char *const[]){ "pid>100", "pid<=200", "pid!=150,160", NULL });
	CHECK(c.enabled && c.pid.min == 101 && c.pid.max == 200, "range %u..%u", c.pid.min,
	      c.pid.max);
	CHECK(c.pid.ne_count == 2 && c.pid.eq_count == 0, "ne list");
	CHECK(!MATCH(&c, "x", 100, 0, false) && MATCH(&c, "x", 101, 0, false) &&
		      MATCH(&c, "x", 200, 0, false) && !MATCH(&c, "x", 201, 0, false),
	      "range bounds");
	CHECK(!MATCH(&c, "x", 150, 0, false) && !MATCH(&c, "x", 160, 0, false) &&
		      MATCH(&c, "x", 151, 0, false),
	      "!= values");

	config(&c, false, (const char *const[]){ "uid=0,1000", "uid>=1000", NULL });
	CHECK(MATCH(&c, "x", 1, 1000, false) && !MATCH(&c, "x", 1, 0, false) &&
		      !MATCH(&c, "x", 1, 1001, false),
	      "= values ORed, ANDed with a range");

	config(&c, false, (const char *const[]){ "pid<0", NULL });
	CHECK(c.pid.min > c.pid.max && !MATCH(&c, "x", 0, 0, false), "pid<0 matches nothing");
	config(&c, false, (const char *const[]){ "uid>4294967295", NULL });
	CHECK(!MATCH(&c, "x", 1, 4294967295u, false), "uid>max matches nothing");
	config(&c, false, (const char *const[]){ "pid>=7", "pid>5", NULL });
	CHECK(c.pid.min == 7, "the tighter lower bound wins: %u", c.pid.min);
}

static void test_comm_container(void)
{
	struct scope_config c;

	config(&c, false, (const char *const[]){ "comm=bash,make", NULL });
	CHECK(MATCH(&c, "bash", 1, 0, false) && MATCH(&c, "make", 1, 0, false) &&
		      !MATCH(&c, "bash2", 1, 0, false) && !MATCH(&c, "bas", 1, 0, false),
	      "comm= list");
	config(&c, false, (const char *const[]){ "comm!=sshd", NULL });
	CHECK(!MATCH(&c, "sshd", 1, 0, false) && MATCH(&c, "ssh", 1, 0, false), "comm!=");
	config(&c, false, (const char *const[]){ "container", NULL });
	CHECK(c.container == SCOPE_CONTAINER_ONLY && MATCH(&c, "a", 1, 0, true) &&
		      !MATCH(&c, "a", 1, 0, false),
	      "container");
	config(&c, false, (const char *const[]){ "not-container", NULL });
	CHECK(!MATCH(&c, "a", 1, 0, true) && MATCH(&c, "a", 1, 0, false), "not-container");
	config(&c, false, (const char *const[]){ "follow", NULL });
	CHECK(c.enabled && c.follow && MATCH(&c, "a", 1, 0, false), "follow alone: everyone");
	config(&c, false, (const char *const[]){ NULL });
	CHECK(!c.enabled && c.self_pid == 4242, "no scope: disabled, self excluded");
	config(&c, true, (const char *const[]){ NULL });
	CHECK(c.enabled && c.command_tree && !c.follow, "command: its tree");
}

static void expect_container(const char *path, const char *want)
{
	CHECK(cgroup_path_is_container(path) == (want[0] != '\0'), "%s: expected %s", path,
	      want[0] ? "a container" : "host");
}

/* the /proc snapshot's verdicts, on the table every side of the rule is tested with */
static void test_container_names(void)
{
	CHECK(cgroup_table_each(expect_container) > 30, "the table of real paths");
}

int main(void)
{
	test_numbers();
	test_comm_container();
	test_container_names();
	return check_summary("scope setup");
}
