// COpenCL: the system OpenCL 1.2 API (Khronos headers from `opencl-headers`,
// ICD loader `libOpenCL` from `ocl-icd-opencl-dev`), exposed to Swift as is.
#ifndef TENSORSEED_COPENCL_H
#define TENSORSEED_COPENCL_H
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#endif
