// ProvToolbox's own PROV-CONSTRAINTS validator (prov-validation, with prov-n for reading),
// for a side-by-side count with ours. Arguments: PROV-N files. One line per file on
// stdout: "valid <file>", "invalid <file> <what its report holds>" or "error <file> <reason>".

import java.util.ArrayList;
import java.util.List;

import org.openprovenance.prov.model.Document;
import org.openprovenance.prov.model.ProvFactory;
import org.openprovenance.prov.validation.Config;
import org.openprovenance.prov.validation.ObjectMaker;
import org.openprovenance.prov.validation.Unknown;
import org.openprovenance.prov.validation.Validate;
import org.openprovenance.prov.validation.VarQName;
import org.openprovenance.prov.validation.report.ValidationReport;

public class ProvToolboxValidate {
    static final class Variable extends org.openprovenance.prov.vanilla.QualifiedName implements VarQName {
        Variable(String namespace, String local, String prefix) {
            super(namespace, local, prefix);
        }
    }

    static final class Placeholder extends org.openprovenance.prov.vanilla.QualifiedName implements Unknown {
        Placeholder(String namespace, String local, String prefix) {
            super(namespace, local, prefix);
        }
    }

    // The validator mints its existential variables and unknowns through this.
    static final class Names implements ObjectMaker {
        public VarQName makeVarQName(String namespace, String local, String prefix) {
            return new Variable(namespace, local, prefix);
        }

        public VarQName makeVarQName(org.openprovenance.prov.model.QualifiedName name) {
            return new Variable(name.getNamespaceURI(), name.getLocalPart(), name.getPrefix());
        }

        public Unknown makeUnknown(String uri, String prefix) {
            return new Placeholder(uri, "unknown", prefix);
        }
    }

    public static void main(String[] args) {
        ProvFactory factory = org.openprovenance.prov.vanilla.ProvFactory.getFactory();
        for (String input : args) {
            try {
                Document document = new org.openprovenance.prov.notation.Utility().readDocument(input, factory);
                ValidationReport report = new Validate(Config.newYesToAllConfig(factory, new Names())).validate(document);
                List<String> found = problems(report);
                System.out.println((found.isEmpty() ? "valid " : "invalid ") + input + " " + String.join(",", found));
            } catch (Throwable error) {
                System.out.println("error " + input + " " + String.valueOf(error).replace('\n', ' '));
            }
        }
    }

    static List<String> problems(ValidationReport report) {
        List<String> found = new ArrayList<>();
        if (!report.getCycle().isEmpty()) found.add("cycle");
        if (!report.getFailedMerge().isEmpty()) found.add("failed-merge");
        if (!report.getQualifiedNameMismatch().isEmpty()) found.add("qualified-name-mismatch");
        if (!report.getTypeOverlap().isEmpty()) found.add("type-overlap");
        if (report.getMalformedStatements() != null && !report.getMalformedStatements().getStatement().isEmpty()) {
            found.add("malformed");
        }
        if (report.getSpecializationReport() != null) found.add("specialization");
        return found;
    }
}
