# Finds the installed MLIR the way upstream's out-of-tree template does and
# links everything against the shared libMLIR.so.
# Debian installs MLIR outside the default search path. MLIR's version file
# accepts only an exact major.minor, so the major version is checked here.
find_package(MLIR REQUIRED CONFIG HINTS /usr/lib/llvm-22/lib/cmake/mlir)
if(NOT LLVM_VERSION_MAJOR EQUAL 22)
  message(FATAL_ERROR "seqpar needs MLIR 22, found ${LLVM_PACKAGE_VERSION}")
endif()
message(STATUS "Using MLIRConfig.cmake in: ${MLIR_DIR}")
message(STATUS "Using LLVMConfig.cmake in: ${LLVM_DIR}")

set(LLVM_RUNTIME_OUTPUT_INTDIR ${CMAKE_BINARY_DIR}/bin)
set(LLVM_LIBRARY_OUTPUT_INTDIR ${CMAKE_BINARY_DIR}/lib)
set(MLIR_BINARY_DIR ${CMAKE_BINARY_DIR})

list(APPEND CMAKE_MODULE_PATH "${MLIR_CMAKE_DIR}")
list(APPEND CMAKE_MODULE_PATH "${LLVM_CMAKE_DIR}")
include(TableGen)
include(AddLLVM)
include(AddMLIR)
include(HandleLLVMOptions)

set(MLIR_LINK_MLIR_DYLIB ON)

include_directories(SYSTEM ${LLVM_INCLUDE_DIRS} ${MLIR_INCLUDE_DIRS})
include_directories(${SEQPAR_SOURCE_DIR}/include ${SEQPAR_BINARY_DIR}/include)
link_directories(${LLVM_BUILD_LIBRARY_DIR})
# HandleLLVMOptions already defines _GLIBCXX_USE_CXX11_ABI; defining it again
# from LLVM_DEFINITIONS only draws a redefinition warning on every file.
separate_arguments(SEQPAR_LLVM_DEFINITIONS NATIVE_COMMAND ${LLVM_DEFINITIONS})
list(FILTER SEQPAR_LLVM_DEFINITIONS EXCLUDE REGEX "^-D_GLIBCXX_USE_CXX11_ABI")
add_definitions(${SEQPAR_LLVM_DEFINITIONS})

if(NOT LLVM_EXTERNAL_LIT)
  find_program(LLVM_EXTERNAL_LIT NAMES lit llvm-lit HINTS ${LLVM_TOOLS_BINARY_DIR} REQUIRED)
endif()
