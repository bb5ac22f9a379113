"""Stage 3: the validated releases as frozen records, folded into the archive with the register."""
