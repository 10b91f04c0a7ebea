"""Where a package's tree comes from, besides the workflow's shell.

The simulation rebuilds the ZIPs a workflow's ``run:`` steps assemble.  Other packages
are defined by infrastructure code and built by the tool that reads it: Terraform's
``archive_file`` (``source_dir`` contents or one ``source_file``) and the
terraform-aws-modules ``source_path``, SAM's ``CodeUri`` (``sam build`` copies its
contents to the artifact root and pip-installs its ``requirements.txt`` there), and a
Serverless service folder.  Each source turns a handler setting into a ``Package``
that the same rules check; findings then point at the setting in that file.
"""

from validator.sources.iac import iac_layer_package, iac_packages

__all__ = ["iac_layer_package", "iac_packages"]
