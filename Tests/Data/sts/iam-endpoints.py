#!/usr/bin/env python3
"""Writes iam-endpoints.tsv: the IAM endpoint and signing region botocore picks for a client in each region.

    python3 Tests/Data/sts/iam-endpoints.py > Tests/Data/sts/iam-endpoints.tsv

Columns: region, endpoint URL, signing region. IamEndpointTests checks IAMEndpoint.resolve against it.
"""
import botocore.session

REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2", "region-code", "cn-north-1", "cn-northwest-1",
           "us-gov-west-1", "us-gov-east-1", "us-iso-east-1", "us-isob-east-1"]

session = botocore.session.get_session()
print("# region\tendpoint\tsigning region (botocore %s)" % botocore.__version__)
for region in REGIONS:
    client = session.create_client("iam", region_name=region, aws_access_key_id="EXAMPLE", aws_secret_access_key="EXAMPLE")
    print("%s\t%s\t%s" % (region, client.meta.endpoint_url, client._request_signer._region_name))
