"seqpar.grid"() <{sym_name = "g", axis_names = ["a"], shape = array<i64: 2, 2>}> : () -> ()
