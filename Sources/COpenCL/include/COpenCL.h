// COpenCL: the system OpenCL 1.2 API (Khronos headers from `opencl-headers`), exposed to Swift as is.
// The entry points TensorSeed uses are forwarded to the ICD loader `libOpenCL` (from `ocl-icd`),
// opened at run time (shim.c), so the binary starts on machines without it.
#ifndef TENSORSEED_COPENCL_H
#define TENSORSEED_COPENCL_H
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>

/// Why the ICD loader could not be opened (dlerror's words), or NULL when it is open.
const char *ts_opencl_loader_error(void);
#endif
