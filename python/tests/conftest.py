"""pytest options of the seqpar.torch suite."""


def pytest_addoption(parser):
    parser.addoption("--nprocs", default="1,2,3,4",
                     help="comma-separated process counts to launch")


def pytest_generate_tests(metafunc):
    if "nprocs" in metafunc.fixturenames:
        counts = [int(n) for n in
                  metafunc.config.getoption("nprocs").split(",")]
        metafunc.parametrize("nprocs", counts, scope="module")
