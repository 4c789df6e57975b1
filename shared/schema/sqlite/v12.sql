-- v12: placeholder on the branch of issue 15's meeting and measures (helper O):
-- another branch takes step 12; this empty step keeps v13 in sequence until
-- the two are merged (then that branch's v12.sql replaces this file).
SELECT 1;
