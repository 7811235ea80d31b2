# The sources of the Layout library and of the runtime's core (the Runtime,
# its copies and the Backend interface: no MPI, no CUDA, no LLVM), named once.
# lib/Layout and runtime/ build them for the compiler and libseqpar_runtime;
# runtime/torch builds them again with LibTorch's compile flags (its C++ ABI
# may differ from the system's) for the Python extension, which therefore
# needs neither MPI nor MLIR.

set(SEQPAR_LAYOUT_SOURCES
  ${SEQPAR_SOURCE_DIR}/lib/Layout/Layout.cpp
  ${SEQPAR_SOURCE_DIR}/lib/Layout/OpModel.cpp
  ${SEQPAR_SOURCE_DIR}/lib/Layout/Sharding.cpp)

set(SEQPAR_RUNTIME_CORE_SOURCES
  ${SEQPAR_SOURCE_DIR}/runtime/lib/Backend.cpp
  ${SEQPAR_SOURCE_DIR}/runtime/lib/Copy.cpp
  ${SEQPAR_SOURCE_DIR}/runtime/lib/CudaCopyPlan.cpp
  ${SEQPAR_SOURCE_DIR}/runtime/lib/Runtime.cpp
  ${SEQPAR_SOURCE_DIR}/runtime/lib/SharedMemory.cpp
  ${SEQPAR_SOURCE_DIR}/runtime/lib/Types.cpp)
