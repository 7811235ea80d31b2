/*===- CApiFromC.c - The C ABI header compiles and links as C99 -----------===*/

#include "seqpar/Runtime/CApi.h"

#include <stdio.h>
#include <string.h>

int main(void) {
  /* Calls that need no MPI: a query and an error with its message. */
  if (seqpar_rt_is_initialized() != 0)
    return 1;
  /* The codes are Codes.h's. */
  if (SEQPAR_RT_INVALID_ARGUMENT != SEQPAR_STATUS_INVALID_ARGUMENT ||
      SEQPAR_RT_BF16 != SEQPAR_DTYPE_BF16)
    return 2;
  if (seqpar_rt_set_check_mode(1) != SEQPAR_RT_NOT_INITIALIZED)
    return 3;
  if (strcmp(seqpar_rt_last_error(),
             "set_check_mode: the runtime is not initialized (call "
             "seqpar_rt_init first)") != 0)
    return 4;
  {
    /* A group query before init: an error naming the query. */
    int64_t words[4] = {1, 1, 1, 0}; /* grid [1], axes [0] */
    int64_t desc[5];
    seqpar_rt_unranked_memref group;
    desc[0] = desc[1] = (int64_t)(intptr_t)words;
    desc[2] = 0;
    desc[3] = 4;
    desc[4] = 1;
    group.rank = 1;
    group.descriptor = desc;
    if (_mlir_ciface_seqpar_rt_group_size(&group) != -1)
      return 5;
    if (strcmp(seqpar_rt_last_error(),
               "group_size: the runtime is not initialized (call "
               "seqpar_rt_init first)") != 0)
      return 6;
  }
  puts("ok");
  return 0;
}
