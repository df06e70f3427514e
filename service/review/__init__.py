"""The review cycle of a unit and year: who must do what, in which order, and the ratings that follow the rules.

models (member-year facts, rating steps, the meeting), steps (order of steps), ratings (recording a step through
the rule engine), meeting (attendance and votes), dashboard (status of every member and unit).
"""
