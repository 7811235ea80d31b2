# Detects LibTorch, the Python interpreter that imports the same torch, and
# pybind11, for runtime/torch and python/. Included from the top-level
# CMakeLists.txt so that the imported targets are visible to both folders.
# Sets SEQPAR_HAVE_TORCH (ON/OFF) and SEQPAR_HAVE_TORCH_SUMMARY; anything
# missing turns the Python package off with the reason, never fails the build.

set(SEQPAR_HAVE_TORCH OFF)
set(_seqpar_torch_reason "")

if(NOT SEQPAR_ENABLE_RUNTIME)
  set(_seqpar_torch_reason "needs SEQPAR_ENABLE_RUNTIME")
endif()

if(NOT _seqpar_torch_reason)
  find_package(Python3 COMPONENTS Interpreter Development.Module QUIET)
  if(NOT Python3_FOUND)
    set(_seqpar_torch_reason "no Python 3 interpreter with development headers")
  endif()
endif()

if(NOT _seqpar_torch_reason)
  # Debian installs TorchConfig.cmake under lib/<arch>/cmake/Torch, which the
  # default search finds; a pip-style torch names its own prefix.
  execute_process(
    COMMAND ${Python3_EXECUTABLE} -c
            "import torch.utils; print(torch.utils.cmake_prefix_path)"
    OUTPUT_VARIABLE _seqpar_torch_prefix
    OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE _seqpar_torch_import
    ERROR_QUIET)
  if(NOT _seqpar_torch_import EQUAL 0)
    set(_seqpar_torch_reason "${Python3_EXECUTABLE} cannot import torch")
  else()
    find_package(Torch CONFIG QUIET HINTS ${_seqpar_torch_prefix})
    if(NOT Torch_FOUND)
      set(_seqpar_torch_reason "LibTorch (TorchConfig.cmake) not found")
    endif()
  endif()
endif()

if(NOT _seqpar_torch_reason)
  # The extension casts Python process groups to c10d ones, which needs the
  # bindings of libtorch_python.
  find_library(SEQPAR_TORCH_PYTHON_LIBRARY torch_python
               HINTS ${TORCH_INSTALL_PREFIX}/lib
                     ${TORCH_INSTALL_PREFIX}/lib/${CMAKE_LIBRARY_ARCHITECTURE})
  if(NOT SEQPAR_TORCH_PYTHON_LIBRARY)
    set(_seqpar_torch_reason "libtorch_python not found")
  elseif(NOT EXISTS
         "${TORCH_INSTALL_PREFIX}/include/torch/csrc/distributed/c10d/ProcessGroup.hpp")
    set(_seqpar_torch_reason "LibTorch has no c10d headers")
  endif()
endif()

if(NOT _seqpar_torch_reason)
  find_package(pybind11 CONFIG QUIET)
  if(NOT pybind11_FOUND)
    set(_seqpar_torch_reason "pybind11 not found")
  endif()
endif()

if(_seqpar_torch_reason)
  set(SEQPAR_HAVE_TORCH_SUMMARY "OFF (${_seqpar_torch_reason})")
else()
  set(SEQPAR_HAVE_TORCH ON)
  set(SEQPAR_HAVE_TORCH_SUMMARY "ON (LibTorch ${Torch_VERSION})")
endif()
