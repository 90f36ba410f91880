# LibTorch, wrapped once as the interface target steer::torch.
#
# LibTorch comes from the pinned `torch` wheel in the project's virtual environment
# (packaging/setup.sh), or, on the GPU machine, from that machine's Python torch. We do not
# use the wheel's TorchConfig.cmake: it insists on finding a CUDA toolkit matching the
# wheel's CUDA build, while the engine only needs the headers and shared libraries.

if(NOT STEER_PYTHON)
  if(EXISTS "${PROJECT_SOURCE_DIR}/.venv/bin/python")
    set(STEER_PYTHON "${PROJECT_SOURCE_DIR}/.venv/bin/python")
  else()
    find_program(STEER_PYTHON NAMES python3 python REQUIRED)
  endif()
endif()

if(NOT STEER_TORCH_DIR)
  execute_process(
    COMMAND "${STEER_PYTHON}" -c "import os, torch; print(os.path.dirname(torch.__file__)); print(int(torch._C._GLIBCXX_USE_CXX11_ABI)); print(torch.__version__)"
    OUTPUT_VARIABLE _steer_torch_out
    RESULT_VARIABLE _steer_torch_rc
    ERROR_VARIABLE _steer_torch_err
    OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT _steer_torch_rc EQUAL 0)
    message(FATAL_ERROR
      "Could not import torch with ${STEER_PYTHON}:\n${_steer_torch_err}\n"
      "Run packaging/setup.sh (it makes .venv with the pinned torch), or pass "
      "-DSTEER_PYTHON=/path/to/python that has torch, or -DSTEER_TORCH_DIR=/path/to/torch.")
  endif()
  string(REPLACE "\n" ";" _steer_torch_lines "${_steer_torch_out}")
  list(GET _steer_torch_lines 0 _dir)
  list(GET _steer_torch_lines 1 _abi)
  list(GET _steer_torch_lines 2 _ver)
  set(STEER_TORCH_DIR "${_dir}" CACHE PATH "The torch package folder (holds include/ and lib/)")
  set(STEER_TORCH_CXX11_ABI "${_abi}" CACHE STRING "_GLIBCXX_USE_CXX11_ABI of the torch build")
  set(STEER_TORCH_VERSION "${_ver}" CACHE STRING "torch version found")
endif()
if(NOT DEFINED STEER_TORCH_CXX11_ABI)
  set(STEER_TORCH_CXX11_ABI 1)
endif()

set(_lib "${STEER_TORCH_DIR}/lib")
foreach(_name c10 torch_cpu torch)
  if(NOT EXISTS "${_lib}/lib${_name}.so")
    message(FATAL_ERROR "LibTorch library ${_lib}/lib${_name}.so is missing: is ${STEER_TORCH_DIR} a torch wheel?")
  endif()
endforeach()

add_library(steer_torch INTERFACE)
add_library(steer::torch ALIAS steer_torch)
target_include_directories(steer_torch SYSTEM INTERFACE
  "${STEER_TORCH_DIR}/include"
  "${STEER_TORCH_DIR}/include/torch/csrc/api/include")
target_compile_definitions(steer_torch INTERFACE _GLIBCXX_USE_CXX11_ABI=${STEER_TORCH_CXX11_ABI})
# libstdc++ goes first: libtorch.so exports its own copies of some std::filesystem
# symbols, and whichever library comes first in the executable's dependency list wins
# symbol lookup. With libtorch first, std::filesystem::remove_all called from our code
# jumps into torch's copy and crashes.
target_link_libraries(steer_torch INTERFACE -Wl,--no-as-needed stdc++ -Wl,--as-needed "${_lib}/libtorch.so" "${_lib}/libtorch_cpu.so" "${_lib}/libc10.so")
target_link_options(steer_torch INTERFACE "LINKER:-rpath,${_lib}")

# The CUDA backend registers its kernels from static initialisers, so it must be linked
# even though no symbol of ours refers to it.
set(STEER_TORCH_HAS_CUDA OFF)
if(EXISTS "${_lib}/libtorch_cuda.so")
  set(STEER_TORCH_HAS_CUDA ON)
  target_link_libraries(steer_torch INTERFACE
    -Wl,--no-as-needed "${_lib}/libtorch_cuda.so" "${_lib}/libc10_cuda.so" -Wl,--as-needed)
  # libtorch_cuda's own dependencies (cudart, cublas, ...) live in the wheel's nvidia/
  # packages and are found through its RUNPATH; tell the linker the same.
  file(GLOB _nvidia_libdirs "${STEER_TORCH_DIR}/../nvidia/*/lib" "${STEER_TORCH_DIR}/../nvidia/cu*/lib")
  foreach(_d ${_nvidia_libdirs})
    target_link_options(steer_torch INTERFACE "LINKER:-rpath-link,${_d}")
  endforeach()
  target_compile_definitions(steer_torch INTERFACE STEER_TORCH_HAS_CUDA=1)
endif()
message(STATUS "LibTorch ${STEER_TORCH_VERSION} from ${STEER_TORCH_DIR} (CUDA backend: ${STEER_TORCH_HAS_CUDA})")
