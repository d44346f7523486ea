/* Runs a command and reports its wall time, CPU time and peak RSS, measured from a small process.
 *
 * Why not Python's os.wait4: a child forked from the Python driver starts as a copy of the interpreter, and
 * Linux keeps the pre-exec high-water mark in ru_maxrss, so every figure under the driver's own ~15 MiB read
 * as 15 MiB. Forked from this program instead, the child's peak is its own.
 *
 * Usage: rusage_exec OUTFILE COMMAND [ARGS...]; writes "wall_seconds cpu_seconds maxrss_kib" to OUTFILE and
 * exits with the command's status (128 + signal when killed). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: rusage_exec OUTFILE COMMAND [ARGS...]\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("rusage_exec: fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        perror("rusage_exec: exec");
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("rusage_exec: wait4");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec
                 + (double)ru.ru_stime.tv_usec / 1e6;
    FILE *out = fopen(argv[1], "w");
    if (out == NULL) {
        perror("rusage_exec: output file");
        return 2;
    }
    fprintf(out, "%.9f %.9f %ld\n", wall, cpu, ru.ru_maxrss);
    fclose(out);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
