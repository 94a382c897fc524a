// Instructions executed per 32-element group by each wide path's fill (uniform, normal, two truncated normals),
// counted exactly by single-stepping the built code under ptrace (this host's virtual machine has no
// performance counters; valgrind has no AVX-512). For each fill, the count of a 16-group call is subtracted
// from that of a 272-group call (the call's fixed cost cancels), divided by 256.
//
//   cc -O2 -no-pie -I Sources/CWideStream/include Benchmarks/cpu-paths/count-instructions.c \
//      .build/release/CWideStream.build/*.o -o /tmp/count-instructions && /tmp/count-instructions
//
// (after `swift build -c release`). Linux x86-64 only. With TRACE_DIR set, the address of every instruction of the
// larger call goes to TRACE_DIR/trace-PATH-FILL.txt, for classify-instructions.py.
#include "CWideStream.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <sys/user.h>
#include <unistd.h>

enum { SMALL = 16, LARGE = 272 };
static float buffer[LARGE * 32];

/// The fills measured: (name, distribution index).
static const char *names[] = {"uniform", "normal", "truncated normal [-2, 2] (torch default, no tail lanes)",
                              "truncated normal std 0.02 in [-2, 2] (timm, erf argument clamped, tail lanes)"};

static void fill(ts_cpu_path path, int which, size_t groups) {
    switch (which) {
    case 0: ts_wide_fill_uniform(path, 1, 2, 1000, groups, 0, 1, buffer); break;
    case 1: ts_wide_fill_normal(path, 1, 2, 1000, groups, 0, 1, buffer); break;
    // erf(±2/√2) and erf(±100/√2) as TruncatedNormalParameters computes them.
    case 2: ts_wide_fill_truncated_normal(path, 1, 2, 1000, groups, 0, 1, -2, 2, -0.954499733f, 1.90899947f, buffer); break;
    default: ts_wide_fill_truncated_normal(path, 1, 2, 1000, groups, 0, 0.02f, -2, 2, -1.0f, 2.0f, buffer); break;
    }
}

/// Single-steps the stopped child until it stops itself again; returns the steps (and writes each address to trace).
static long stepsToNextStop(pid_t child, FILE *trace) {
    long steps = 0;
    int status;
    for (;;) {
        if (ptrace(PTRACE_SINGLESTEP, child, 0, 0) != 0) { perror("ptrace"); exit(1); }
        waitpid(child, &status, 0);
        if (!WIFSTOPPED(status)) { fprintf(stderr, "child ended\n"); exit(1); }
        if (WSTOPSIG(status) == SIGSTOP) return steps;
        steps++;
        if (trace) {
            struct user_regs_struct registers;
            ptrace(PTRACE_GETREGS, child, 0, &registers);
            fprintf(trace, "%llx\n", registers.rip);
        }
    }
}

int main(void) {
    printf("instructions per 32-element group (executed, single-stepped)\n");
    for (ts_cpu_path path = TS_PATH_AVX2; path <= TS_PATH_AVX512; path++) {
        if (!ts_wide_path_supported(path)) continue;
        for (int which = 0; which < 4; which++) {
            fill(path, which, LARGE);   // touch the buffer and the code
            pid_t child = fork();
            if (child == 0) {
                ptrace(PTRACE_TRACEME, 0, 0, 0);
                raise(SIGSTOP);
                fill(path, which, SMALL);
                raise(SIGSTOP);
                fill(path, which, LARGE);
                raise(SIGSTOP);
                _exit(0);
            }
            int status;
            waitpid(child, &status, 0);
            const long small = stepsToNextStop(child, NULL);
            FILE *trace = NULL;
            if (getenv("TRACE_DIR")) {
                char name[4096];
                snprintf(name, sizeof name, "%s/trace-%d-%d.txt", getenv("TRACE_DIR"), (int)path, which);
                if (!(trace = fopen(name, "w"))) { perror(name); exit(1); }
            }
            const long large = stepsToNextStop(child, trace);
            if (trace) fclose(trace);
            kill(child, SIGKILL);
            waitpid(child, &status, 0);
            printf("%-7s %-78s %7.1f\n", path == TS_PATH_AVX2 ? "avx2" : "avx512", names[which],
                   (double)(large - small) / (LARGE - SMALL));
        }
    }
    return 0;
}
