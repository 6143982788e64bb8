// How ProvToolbox (the reference PROV implementation) reads a document: each file given is
// read with ProvToolbox's reader for its suffix (.provn, .json, .provx, .ttl, .trig) and
// what it read is written back as ProvToolbox's own PROV-N, so the tests compare readings
// of different formats in one notation. Arguments: pairs of input and output paths. One
// line per pair on stdout: "ok <input>" or "error <input> <reason>".

import java.io.File;

import org.openprovenance.prov.model.Bundle;
import org.openprovenance.prov.model.Document;
import org.openprovenance.prov.model.Namespace;
import org.openprovenance.prov.model.ProvFactory;
import org.openprovenance.prov.model.StatementOrBundle;

public class ProvToolboxRead {
    public static void main(String[] args) {
        ProvFactory factory = org.openprovenance.prov.xml.ProvFactory.getFactory();
        for (int i = 0; i + 1 < args.length; i += 2) {
            String input = args[i];
            try {
                Document document = read(input, factory);
                giveBundlesNamespaces(document);
                new org.openprovenance.prov.notation.Utility().writeDocument(document, args[i + 1], factory);
                System.out.println("ok " + input);
            } catch (Throwable error) {
                System.out.println("error " + input + " " + String.valueOf(error).replace('\n', ' '));
            }
        }
    }

    // ProvToolbox's RDF reader leaves a named graph's bundle without namespaces, which its
    // own PROV-N writer cannot write; the bundle gets the document's, as in PROV-N.
    static void giveBundlesNamespaces(Document document) {
        if (document.getNamespace() == null) {
            document.setNamespace(Namespace.gatherNamespaces(document));
        }
        for (StatementOrBundle item : document.getStatementOrBundle()) {
            if (item instanceof Bundle bundle && bundle.getNamespace() == null) {
                Namespace namespace = new Namespace(document.getNamespace());
                namespace.setParent(document.getNamespace());
                bundle.setNamespace(namespace);
            }
        }
    }

    static Document read(String input, ProvFactory factory) throws Exception {
        if (input.endsWith(".provn")) {
            return new org.openprovenance.prov.notation.Utility().readDocument(input, factory);
        }
        if (input.endsWith(".json")) {
            return new org.openprovenance.prov.json.Converter(factory).readDocument(input);
        }
        if (input.endsWith(".provx")) {
            return org.openprovenance.prov.xml.ProvDeserialiser.getThreadProvDeserialiser()
                .deserialiseDocument(new File(input));
        }
        if (input.endsWith(".ttl") || input.endsWith(".trig")) {
            return new org.openprovenance.prov.rdf.Utility(factory).parseRDF(input);
        }
        throw new IllegalArgumentException("no ProvToolbox reader for " + input);
    }
}
