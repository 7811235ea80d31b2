# `cmake --install` puts the headers, the libraries, seqpar-opt, the runtime
# and SeqParConfig.cmake in a prefix, so that another project can
# `find_package(SeqPar)` and register the dialect, passes and pipeline in its
# own tool (test/Install builds such a consumer).
include(CMakePackageConfigHelpers)

set(SEQPAR_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/SeqPar)

install(TARGETS SeqParLayout EXPORT SeqParTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY include/seqpar DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h" PATTERN "*.td")

if(SEQPAR_ENABLE_COMPILER)
  install(TARGETS MLIRSeqPar MLIRSeqParTransforms MLIRSeqParToRuntime
    MLIRShardToSeqPar
    EXPORT SeqParTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(DIRECTORY ${SEQPAR_BINARY_DIR}/include/seqpar
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
    FILES_MATCHING PATTERN "*.inc")
  install(TARGETS seqpar-opt RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

install(EXPORT SeqParTargets NAMESPACE SeqPar::
  DESTINATION ${SEQPAR_CMAKE_INSTALL_DIR})
configure_package_config_file(cmake/SeqParConfig.cmake.in
  ${SEQPAR_BINARY_DIR}/SeqParConfig.cmake
  INSTALL_DESTINATION ${SEQPAR_CMAKE_INSTALL_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_BINDIR)
write_basic_package_version_file(${SEQPAR_BINARY_DIR}/SeqParConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${SEQPAR_BINARY_DIR}/SeqParConfig.cmake
  ${SEQPAR_BINARY_DIR}/SeqParConfigVersion.cmake
  DESTINATION ${SEQPAR_CMAKE_INSTALL_DIR})
