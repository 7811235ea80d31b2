# -*- Python -*-
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "SEQPAR"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.seqpar_obj_root, "test")
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py", "lit.site.cfg.py", "Install",
                   "Fuzz"]

config.environment["FILECHECK_OPTS"] = "-enable-var-scope"
# A sanitizer build: mlir-runner (not instrumented) loads the instrumented
# runtime, so the sanitizer runtimes go first; MPI's own allocations are not
# our leaks.
if config.sanitizer_preload:
    config.environment["LD_PRELOAD"] = config.sanitizer_preload
    config.environment["ASAN_OPTIONS"] = "detect_leaks=0"
llvm_config.use_default_substitutions()

config.substitutions.append(("%mlir_lib_dir", config.mlir_lib_dir))
config.substitutions.append(("%seqpar_lib_dir", config.seqpar_lib_dir))
config.substitutions.append(("%shlibext", ".so"))
# One process per rank; oversubscribed so 8 ranks run on a 2-core machine.
# The execution tests take the runtime's direct path (every output buffer in
# shared memory, however small) unless `--param rt_path=backend`, which
# keeps every output off it: ctest runs them both ways.
rt_path = lit_config.params.get("rt_path", "direct")
if rt_path not in ("direct", "backend"):
    lit_config.fatal(f"rt_path must be 'direct' or 'backend', not '{rt_path}'")
rt_env = ("SEQPAR_RT_SHARED_MIN_BYTES=0" if rt_path == "direct"
          else "SEQPAR_RT_DIRECT=0")
if rt_path == "direct":
    config.available_features.add("rt-direct")
config.substitutions.append(
    ("%mpirun",
     f"{config.mpiexec or 'mpirun'} --allow-run-as-root --oversubscribe "
     f"--mca btl self,vader --bind-to none -x {rt_env} -np"))

if config.seqpar_runtime_enabled:
    config.available_features.add("seqpar-runtime")

tool_dirs = [config.seqpar_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["seqpar-opt", "mlir-runner"], tool_dirs)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.seqpar_tools_dir, append_path=True)
