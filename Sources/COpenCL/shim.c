// The OpenCL 1.2 entry points TensorSeed calls, each forwarded to the system's ICD loader
// (libOpenCL, from `ocl-icd`), which is opened at run time rather than linked: a machine without
// it still runs everything but the OpenCL engine, and clGetPlatformIDs then reports no platform
// (CL_PLATFORM_NOT_FOUND_KHR), the same answer as a loader that finds no driver.
// TENSORSEED_OPENCL_LIBRARY names another loader file. No other logic lives here.
#include "COpenCL.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

/// cl_khr_icd's "no platform" code (cl_ext.h), returned when no loader could be opened.
#define TS_PLATFORM_NOT_FOUND_KHR (-1001)

static void *ts_loader;
static char ts_loader_error[512];
static pthread_once_t ts_loader_once = PTHREAD_ONCE_INIT;

static void ts_open_loader(void) {
    const char *chosen = getenv("TENSORSEED_OPENCL_LIBRARY");
#if defined(__APPLE__)
    const char *names[] = {"/System/Library/Frameworks/OpenCL.framework/OpenCL"};
#else
    const char *names[] = {"libOpenCL.so.1", "libOpenCL.so"};
#endif
    if (chosen && *chosen) {
        ts_loader = dlopen(chosen, RTLD_NOW | RTLD_LOCAL);
    } else {
        for (size_t i = 0; i < sizeof names / sizeof names[0] && !ts_loader; i++) ts_loader = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (!ts_loader) {
        const char *why = dlerror();
        snprintf(ts_loader_error, sizeof ts_loader_error, "%s", why ? why : "the OpenCL ICD loader could not be opened");
    }
}

const char *ts_opencl_loader_error(void) {
    pthread_once(&ts_loader_once, ts_open_loader);
    return ts_loader ? NULL : ts_loader_error;
}

static void *ts_symbol(const char *name) {
    pthread_once(&ts_loader_once, ts_open_loader);
    return ts_loader ? dlsym(ts_loader, name) : NULL;
}

/// Defines `name` to call the loader's `name`, or to give `missing` when there is none.
#define TS_FORWARD(result, name, parameters, arguments, missing)                          \
    CL_API_ENTRY result CL_API_CALL name parameters {                                     \
        result (CL_API_CALL *entry) parameters = (result (CL_API_CALL *) parameters)      \
            ts_symbol(#name);                                                              \
        if (entry) return entry arguments;                                                 \
        missing;                                                                           \
    }
#define TS_NO_PLATFORM return CL_INVALID_PLATFORM
#define TS_NO_OBJECT(errcode) do { if (errcode) *(errcode) = CL_INVALID_PLATFORM; return NULL; } while (0)

TS_FORWARD(cl_int, clGetPlatformIDs,
           (cl_uint num_entries, cl_platform_id *platforms, cl_uint *num_platforms),
           (num_entries, platforms, num_platforms),
           do { if (num_platforms) *num_platforms = 0; return TS_PLATFORM_NOT_FOUND_KHR; } while (0))
TS_FORWARD(cl_int, clGetPlatformInfo,
           (cl_platform_id platform, cl_platform_info param_name, size_t param_value_size, void *param_value,
            size_t *param_value_size_ret),
           (platform, param_name, param_value_size, param_value, param_value_size_ret), TS_NO_PLATFORM)
TS_FORWARD(cl_int, clGetDeviceIDs,
           (cl_platform_id platform, cl_device_type device_type, cl_uint num_entries, cl_device_id *devices,
            cl_uint *num_devices),
           (platform, device_type, num_entries, devices, num_devices), TS_NO_PLATFORM)
TS_FORWARD(cl_int, clGetDeviceInfo,
           (cl_device_id device, cl_device_info param_name, size_t param_value_size, void *param_value,
            size_t *param_value_size_ret),
           (device, param_name, param_value_size, param_value, param_value_size_ret), TS_NO_PLATFORM)
TS_FORWARD(cl_context, clCreateContext,
           (const cl_context_properties *properties, cl_uint num_devices, const cl_device_id *devices,
            void (CL_CALLBACK *pfn_notify)(const char *errinfo, const void *private_info, size_t cb, void *user_data),
            void *user_data, cl_int *errcode_ret),
           (properties, num_devices, devices, pfn_notify, user_data, errcode_ret), TS_NO_OBJECT(errcode_ret))
TS_FORWARD(cl_int, clReleaseContext, (cl_context context), (context), TS_NO_PLATFORM)
TS_FORWARD(cl_command_queue, clCreateCommandQueue,
           (cl_context context, cl_device_id device, cl_command_queue_properties properties, cl_int *errcode_ret),
           (context, device, properties, errcode_ret), TS_NO_OBJECT(errcode_ret))
TS_FORWARD(cl_int, clReleaseCommandQueue, (cl_command_queue command_queue), (command_queue), TS_NO_PLATFORM)
TS_FORWARD(cl_mem, clCreateBuffer,
           (cl_context context, cl_mem_flags flags, size_t size, void *host_ptr, cl_int *errcode_ret),
           (context, flags, size, host_ptr, errcode_ret), TS_NO_OBJECT(errcode_ret))
TS_FORWARD(cl_int, clReleaseMemObject, (cl_mem memobj), (memobj), TS_NO_PLATFORM)
TS_FORWARD(cl_program, clCreateProgramWithSource,
           (cl_context context, cl_uint count, const char **strings, const size_t *lengths, cl_int *errcode_ret),
           (context, count, strings, lengths, errcode_ret), TS_NO_OBJECT(errcode_ret))
TS_FORWARD(cl_int, clReleaseProgram, (cl_program program), (program), TS_NO_PLATFORM)
TS_FORWARD(cl_int, clBuildProgram,
           (cl_program program, cl_uint num_devices, const cl_device_id *device_list, const char *options,
            void (CL_CALLBACK *pfn_notify)(cl_program program, void *user_data), void *user_data),
           (program, num_devices, device_list, options, pfn_notify, user_data), TS_NO_PLATFORM)
TS_FORWARD(cl_int, clGetProgramBuildInfo,
           (cl_program program, cl_device_id device, cl_program_build_info param_name, size_t param_value_size,
            void *param_value, size_t *param_value_size_ret),
           (program, device, param_name, param_value_size, param_value, param_value_size_ret), TS_NO_PLATFORM)
TS_FORWARD(cl_kernel, clCreateKernel, (cl_program program, const char *kernel_name, cl_int *errcode_ret),
           (program, kernel_name, errcode_ret), TS_NO_OBJECT(errcode_ret))
TS_FORWARD(cl_int, clReleaseKernel, (cl_kernel kernel), (kernel), TS_NO_PLATFORM)
TS_FORWARD(cl_int, clSetKernelArg, (cl_kernel kernel, cl_uint arg_index, size_t arg_size, const void *arg_value),
           (kernel, arg_index, arg_size, arg_value), TS_NO_PLATFORM)
TS_FORWARD(cl_int, clEnqueueReadBuffer,
           (cl_command_queue command_queue, cl_mem buffer, cl_bool blocking_read, size_t offset, size_t size, void *ptr,
            cl_uint num_events_in_wait_list, const cl_event *event_wait_list, cl_event *event),
           (command_queue, buffer, blocking_read, offset, size, ptr, num_events_in_wait_list, event_wait_list, event),
           TS_NO_PLATFORM)
TS_FORWARD(cl_int, clEnqueueNDRangeKernel,
           (cl_command_queue command_queue, cl_kernel kernel, cl_uint work_dim, const size_t *global_work_offset,
            const size_t *global_work_size, const size_t *local_work_size, cl_uint num_events_in_wait_list,
            const cl_event *event_wait_list, cl_event *event),
           (command_queue, kernel, work_dim, global_work_offset, global_work_size, local_work_size,
            num_events_in_wait_list, event_wait_list, event),
           TS_NO_PLATFORM)
TS_FORWARD(cl_int, clFlush, (cl_command_queue command_queue), (command_queue), TS_NO_PLATFORM)
TS_FORWARD(cl_int, clFinish, (cl_command_queue command_queue), (command_queue), TS_NO_PLATFORM)
TS_FORWARD(void *, clEnqueueMapBuffer,
           (cl_command_queue command_queue, cl_mem buffer, cl_bool blocking_map, cl_map_flags map_flags, size_t offset,
            size_t size, cl_uint num_events_in_wait_list, const cl_event *event_wait_list, cl_event *event, cl_int *errcode_ret),
           (command_queue, buffer, blocking_map, map_flags, offset, size, num_events_in_wait_list, event_wait_list, event,
            errcode_ret),
           TS_NO_OBJECT(errcode_ret))
TS_FORWARD(cl_int, clEnqueueUnmapMemObject,
           (cl_command_queue command_queue, cl_mem memobj, void *mapped_ptr, cl_uint num_events_in_wait_list,
            const cl_event *event_wait_list, cl_event *event),
           (command_queue, memobj, mapped_ptr, num_events_in_wait_list, event_wait_list, event), TS_NO_PLATFORM)
TS_FORWARD(cl_int, clGetKernelWorkGroupInfo,
           (cl_kernel kernel, cl_device_id device, cl_kernel_work_group_info param_name, size_t param_value_size,
            void *param_value, size_t *param_value_size_ret),
           (kernel, device, param_name, param_value_size, param_value, param_value_size_ret), TS_NO_PLATFORM)
