"""`site-builder publish`: output/ to S3-compatible object storage, only what changed.

targets.py (site.yaml `publish:`), files.py (the site as objects with their headers),
plan.py (the difference with the bucket; pure), s3.py (boto3), run.py (the order).
"""
