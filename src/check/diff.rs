//! Impact of a rubric change on past calls (filled in by `callqa rubric diff`).
