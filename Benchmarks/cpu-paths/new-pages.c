// The memory floor of writing a file into tmpfs without generating anything: a new file of BYTES is
// mapped (MAP_SHARED) and its pages are written by THREADS threads at once, each a memset of its share,
// as a writer that generated in place into a mapping of its output would touch them. No copy, no digest,
// no generation: what remains is the kernel's (and, on a virtual machine, the host's) cost of the file's
// new pages. `dd` into tmpfs measures the same cost from one thread through write(2); this measures it from
// every core, the best any in-place writer could do.
//
//   cc -O2 -pthread Benchmarks/cpu-paths/new-pages.c -o /tmp/new-pages
//   /tmp/new-pages /dev/shm/new-pages.tmp 2214592512 2     # PATH BYTES THREADS; prints seconds, removes PATH
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

struct share {
    unsigned char *start;
    size_t bytes;
};

static void *touch(void *argument) {
    const struct share *share = argument;
    memset(share->start, 1, share->bytes);
    return NULL;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s PATH BYTES THREADS\n", argv[0]);
        return 2;
    }
    const char *path = argv[1];
    const size_t bytes = strtoull(argv[2], NULL, 10);
    const int threads = atoi(argv[3]);
    if (bytes == 0 || threads < 1 || threads > 256) {
        fprintf(stderr, "%s: BYTES must be positive and THREADS in 1...256\n", argv[0]);
        return 2;
    }
    const int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        perror(path);
        return 1;
    }
    const double start = now();
    unsigned char *map = MAP_FAILED;
    if (ftruncate(fd, (off_t)bytes) == 0)
        map = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        perror(path);
        unlink(path);
        return 1;
    }
    pthread_t ids[256];
    struct share shares[256];
    const size_t page = 4096, pages = (bytes + page - 1) / page;
    for (int t = 0; t < threads; t++) {
        const size_t first = pages * (size_t)t / (size_t)threads * page;
        const size_t last = pages * (size_t)(t + 1) / (size_t)threads * page;
        shares[t] = (struct share){map + first, (last < bytes ? last : bytes) - first};
        pthread_create(&ids[t], NULL, touch, &shares[t]);
    }
    for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
    const double seconds = now() - start;
    munmap(map, bytes);
    close(fd);
    unlink(path);
    printf("%zu bytes into new tmpfs pages by %d thread%s (mapped, memset): %.3f s, %.2f GB/s\n", bytes, threads,
           threads == 1 ? "" : "s", seconds, (double)bytes / seconds / 1e9);
    return 0;
}
