# Builds an organization on moto for FleetOnMotoTests (boto3): two nested OUs, accounts in them and at the root, one
# closed (SUSPENDED), the member role created in some accounts. Prints the organization as JSON, as AWS Organizations
# lists it (ListAccounts, ListParents up to the root).
import boto3, json, os, sys
ep = sys.argv[1]
kw = dict(endpoint_url=ep, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
org = boto3.client("organizations", **kw)
o = org.create_organization(FeatureSet="ALL")["Organization"]
root = org.list_roots()["Roots"][0]["Id"]
work = org.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]["Id"]
prod = org.create_organizational_unit(ParentId=work, Name="prod")["OrganizationalUnit"]["Id"]
def acct(name, parent):
    s = org.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]
    i = s["AccountId"]
    org.move_account(AccountId=i, SourceParentId=root, DestinationParentId=parent)
    return i
ids = {"team": acct("team", work), "shop": acct("shop", prod), "norole": acct("norole", prod), "sandbox": acct("sandbox", root), "gone": acct("gone", prod)}
try:
    org.close_account(AccountId=ids["gone"])
except Exception as e:
    print("close failed", e, file=sys.stderr)
# member roles where they exist (moto's STS does not check them; see the test)
for name in ["team", "shop", "sandbox"]:
    sts = boto3.client("sts", **kw)
    c = sts.assume_role(RoleArn=f"arn:aws:iam::{ids[name]}:role/OrganizationAccountAccessRole", RoleSessionName="setup")["Credentials"]
    iam = boto3.client("iam", endpoint_url=ep, region_name="us-east-1", aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
    iam.create_role(RoleName="QuotaAutomationMemberRole", AssumeRolePolicyDocument=json.dumps({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":f"arn:aws:iam::{o['MasterAccountId']}:root"},"Action":"sts:AssumeRole"}]}))
accounts = []
for page in org.get_paginator("list_accounts").paginate():
    for a in page["Accounts"]:
        parents = []
        child = a["Id"]
        while True:
            p = org.list_parents(ChildId=child)["Parents"][0]
            parents.insert(0, p["Id"])
            if p["Type"] == "ROOT": break
            child = p["Id"]
        accounts.append({"id": a["Id"], "name": a["Name"], "status": a["Status"], "parents": parents})
print(json.dumps({"id": o["Id"], "management": o["MasterAccountId"], "root": root, "workloads": work, "prod": prod, "ids": ids, "accounts": accounts}))
