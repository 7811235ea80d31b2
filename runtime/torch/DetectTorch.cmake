# Detects LibTorch and the Python interpreter that imports the same torch,
# for runtime/torch and python/. Included from the top-level CMakeLists.txt so
# that the imported targets are visible to both folders. Sets
# SEQPAR_HAVE_TORCH (ON/OFF) and SEQPAR_HAVE_TORCH_SUMMARY; anything missing
# turns the Python package off with the reason, never fails the build.
#
# The extension is compiled against torch's own copy of pybind11 (under its
# include directory), as torch.utils.cpp_extension does, so that process
# groups cast between torch's bindings and ours; no separate pybind11.

set(SEQPAR_HAVE_TORCH OFF)
set(SEQPAR_TORCH_MIN_VERSION 2.4)
set(_seqpar_torch_reason "")

find_package(Python3 COMPONENTS Interpreter Development.Module QUIET)
if(NOT Python3_FOUND)
  set(_seqpar_torch_reason "no Python 3 interpreter with development headers")
endif()

if(NOT _seqpar_torch_reason)
  # What torch.utils.cpp_extension would pass: the directory of the torch
  # package, its C++ ABI setting and, for torch releases whose pybind11 keys
  # its internals by them, the compiler, standard library and ABI tags.
  execute_process(
    COMMAND ${Python3_EXECUTABLE} -c [=[
import os, torch
print(os.path.dirname(torch.__file__))
print(torch.__version__.split("+")[0])
print(f"_GLIBCXX_USE_CXX11_ABI={int(torch._C._GLIBCXX_USE_CXX11_ABI)}")
for tag in ("COMPILER_TYPE", "STDLIB", "BUILD_ABI"):
    value = getattr(torch._C, "_PYBIND11_" + tag, None)
    if value is not None:
        print(f"PYBIND11_{tag}=\"{value}\"")
]=]
    OUTPUT_VARIABLE _seqpar_torch_query
    OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE _seqpar_torch_import
    ERROR_QUIET)
  if(NOT _seqpar_torch_import EQUAL 0)
    set(_seqpar_torch_reason "${Python3_EXECUTABLE} cannot import torch")
  else()
    string(REPLACE "\n" ";" _seqpar_torch_query "${_seqpar_torch_query}")
    list(POP_FRONT _seqpar_torch_query _seqpar_torch_dir
         SEQPAR_TORCH_PYTHON_VERSION)
    set(SEQPAR_TORCH_DEFINITIONS ${_seqpar_torch_query})
    if(SEQPAR_TORCH_PYTHON_VERSION VERSION_LESS SEQPAR_TORCH_MIN_VERSION)
      set(_seqpar_torch_reason
          "torch ${SEQPAR_TORCH_PYTHON_VERSION} is older than ${SEQPAR_TORCH_MIN_VERSION}")
    endif()
  endif()
endif()

if(NOT _seqpar_torch_reason)
  # The libraries and headers of the torch package, found directly rather
  # than through TorchConfig.cmake, which asks for the CUDA toolkit whenever
  # torch was built with CUDA: the extension uses only LibTorch's CPU side
  # (the process group brings NCCL), so a GPU node needs no CUDA toolkit.
  set(_seqpar_torch_libs)
  foreach(lib c10 torch_cpu torch torch_python)
    find_library(SEQPAR_TORCH_LIB_${lib} ${lib}
                 HINTS ${_seqpar_torch_dir}/lib NO_DEFAULT_PATH)
    if(NOT SEQPAR_TORCH_LIB_${lib})
      set(_seqpar_torch_reason "lib${lib} not found in ${_seqpar_torch_dir}/lib")
      break()
    endif()
    list(APPEND _seqpar_torch_libs ${SEQPAR_TORCH_LIB_${lib}})
  endforeach()
  if(NOT _seqpar_torch_reason AND NOT EXISTS
     "${_seqpar_torch_dir}/include/torch/csrc/distributed/c10d/GroupRegistry.hpp")
    set(_seqpar_torch_reason "torch has no c10d headers")
  endif()
endif()

if(NOT _seqpar_torch_reason)
  # One target carries what a LibTorch user needs: headers (torch's pybind11
  # among them), libraries, its C++ ABI setting and pybind11 tags, C++20
  # (recent LibTorch headers need it; older ones accept it).
  add_library(seqpar_torch_deps INTERFACE)
  target_include_directories(seqpar_torch_deps SYSTEM INTERFACE
    ${_seqpar_torch_dir}/include
    ${_seqpar_torch_dir}/include/torch/csrc/api/include)
  target_link_libraries(seqpar_torch_deps INTERFACE ${_seqpar_torch_libs})
  target_compile_definitions(seqpar_torch_deps INTERFACE
    ${SEQPAR_TORCH_DEFINITIONS})
  target_compile_features(seqpar_torch_deps INTERFACE cxx_std_20)
endif()

if(_seqpar_torch_reason)
  set(SEQPAR_HAVE_TORCH_SUMMARY "OFF (${_seqpar_torch_reason})")
else()
  set(SEQPAR_HAVE_TORCH ON)
  set(SEQPAR_HAVE_TORCH_SUMMARY
      "ON (torch ${SEQPAR_TORCH_PYTHON_VERSION} at ${_seqpar_torch_dir})")
endif()
