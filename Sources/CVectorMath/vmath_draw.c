// The sequential Double sums of a categorical draw (DecoderSampler): the total of a row of
// weights and the draw by cumulative sums, in plain C on every path. The additions run in
// index order, as a plain loop does them, so a draw is the same whichever function computes
// it; rk_vm_row_sums_double overlaps the independent sums of four rows instead (each sum is a
// chain of dependent additions, bound by their latency).
#include "vmath_internal.h"

void rk_vm_row_sums_double(long S, long V, const float *w, long ldw, double *total) {
    long s = 0;
    for (; s + 4 <= S; s += 4) {
        const float *a = w + s * ldw, *b = a + ldw, *c = b + ldw, *d = c + ldw;
        double ta = 0, tb = 0, tc = 0, td = 0;
        for (long v = 0; v < V; v++) {
            ta += (double)a[v];
            tb += (double)b[v];
            tc += (double)c[v];
            td += (double)d[v];
        }
        total[s] = ta; total[s + 1] = tb; total[s + 2] = tc; total[s + 3] = td;
    }
    for (; s < S; s++) {
        const float *a = w + s * ldw;
        double t = 0;
        for (long v = 0; v < V; v++) t += (double)a[v];
        total[s] = t;
    }
}

long rk_vm_draw_cumulative(long V, const float *w, double target) {
    double cumulative = 0;
    long last = 0;
    for (long v = 0; v < V; v++) {
        if (!(w[v] > 0)) continue;
        cumulative += (double)w[v];
        last = v;
        if (target < cumulative) return v;
    }
    return last;
}
