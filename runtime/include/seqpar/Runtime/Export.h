//===- Export.h - Symbol visibility of libseqpar_runtime --------*- C++ -*-===//
//
// The library is built with hidden visibility; everything in the public
// headers is marked with SEQPAR_RT_EXPORT.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_RUNTIME_EXPORT_H
#define SEQPAR_RUNTIME_EXPORT_H

#if defined(_WIN32)
#define SEQPAR_RT_EXPORT __declspec(dllexport)
#else
#define SEQPAR_RT_EXPORT __attribute__((visibility("default")))
#endif

#endif // SEQPAR_RUNTIME_EXPORT_H
