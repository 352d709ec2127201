print("asthma-surveillance-bench: not yet written")
