/*===- CApiFromC.c - The C ABI header compiles and links as C99 ----------===*/

#include "seqpar/Runtime/CApi.h"

#include <stdio.h>
#include <string.h>

int main(void) {
  /* Calls that need no MPI: a query and an error with its message. */
  if (seqpar_rt_is_initialized() != 0)
    return 1;
  if (seqpar_rt_split_size(7, 3, 0) != 3 || seqpar_rt_split_size(7, 3, 2) != 2)
    return 2;
  if (seqpar_rt_set_check_mode(1) != SEQPAR_RT_NOT_INITIALIZED)
    return 3;
  if (strcmp(seqpar_rt_last_error(),
             "set_check_mode: the runtime is not initialized (call "
             "seqpar_rt_init first)") != 0)
    return 4;
  puts("ok");
  return 0;
}
